/** The intake API: a lead posted by an integration (or pushed by an ad platform). */
import type { FieldDef, Fields, LocalizedText } from '@closeloop/engine';
import type { Verb } from '../core/context.ts';
import { Forbidden, Invalid } from '../core/errors.ts';
import { adaptPush, type Platform, pushItems, toSopFields } from './adapters.ts';
import { type EnterLeadResult, enterLead } from './enter-lead.ts';
import { publishedSop } from './imports/setup.ts';
import { coerceCell } from './values.ts';

export type IntakeLeadInput = {
  sopId: string;
  source: string;
  externalId?: string;
  /** SOP field key → value; text is read as people type it (dates, phones, amounts). */
  fields: Fields;
  raw?: unknown;
  ownerId?: string;
  duplicatePolicy?: 'skip' | 'create';
};

export type IntakeLeadResult = {
  outcome: 'created' | 'duplicate';
  recordId: string | null;
  leadId: string | null;
  matchedOn: string | null;
};

/** Text values coerced by field type; a value that cannot be read is a 422 naming the field. */
export function coerceFields(defs: readonly FieldDef[], input: Fields): Fields {
  const out: Fields = {};
  const errors: Array<{ path: string; message: LocalizedText }> = [];
  for (const [key, value] of Object.entries(input)) {
    const def = defs.find((d) => d.key === key);
    if (!def) {
      errors.push({
        path: `fields.${key}`,
        message: { 'zh-CN': `没有名为「${key}」的字段`, en: `no field named "${key}"` },
      });
      continue;
    }
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    const c = coerceCell(def, value);
    if (c.ok) {
      if (c.value !== null) out[key] = c.value;
    } else errors.push({ path: `fields.${key}`, message: c.message });
  }
  if (errors.length) throw new Invalid('invalid-input', 'some fields cannot be read', { errors });
  return out;
}

const answer = (r: EnterLeadResult): IntakeLeadResult =>
  r.outcome === 'created'
    ? { outcome: 'created', recordId: r.recordId, leadId: r.leadId, matchedOn: null }
    : { outcome: 'duplicate', recordId: r.recordId, leadId: null, matchedOn: r.matchedOn };

function assertIntake(ctx: Parameters<Verb<unknown, unknown>>[0]['ctx']) {
  if (!ctx.user.token && !['admin', 'manager'].includes(ctx.user.role)) {
    throw new Forbidden('leads are posted with an intake token or by a manager');
  }
}

/**
 * Enters one lead through the API; the same (source, external id) again answers with the
 * lead already entered (idempotent).
 */
export const intakeLead: Verb<IntakeLeadInput, IntakeLeadResult> = async ({ ctx, input }) => {
  assertIntake(ctx);
  const sop = await publishedSop(ctx, input.sopId);
  const fields = coerceFields(sop.doc.fields, input.fields);
  const r = await enterLead({
    ctx,
    input: {
      lead: {
        sopId: input.sopId,
        fields,
        source: input.source,
        raw: input.raw ?? input.fields,
        channel: 'api',
        ...(input.externalId ? { externalId: input.externalId } : {}),
        ...(input.ownerId ? { ownerId: input.ownerId } : {}),
      },
      defs: sop.doc.fields,
      ...(input.duplicatePolicy ? { duplicatePolicy: input.duplicatePolicy } : {}),
    },
  });
  return answer(r);
};

/**
 * An ad platform's push (one lead, an array, or `{ data: [...] }`), each item adapted to a
 * canonical lead and entered; the platform's lead id is the external id.
 */
export const intakePush: Verb<
  {
    platform: Platform;
    sopId: string;
    source?: string;
    body: unknown;
    mapping?: Record<string, string>;
  },
  { results: IntakeLeadResult[] }
> = async ({ ctx, input }) => {
  assertIntake(ctx);
  const sop = await publishedSop(ctx, input.sopId);
  const items = pushItems(input.body);
  if (items.length === 0 || items.length > 100) {
    throw new Invalid('invalid-input', 'a push carries 1 to 100 leads', {
      errors: [{ path: 'json', message: 'expected a lead object, an array or { data: [...] }' }],
    });
  }
  if (input.platform === 'generic' && !input.mapping) {
    throw new Invalid('invalid-input', 'a generic push needs a mapping', {
      errors: [{ path: 'query.mapping', message: 'required for the generic platform' }],
    });
  }
  const results: IntakeLeadResult[] = [];
  for (const item of items) {
    const adapted = adaptPush(input.platform, item, input.mapping);
    const values =
      input.platform === 'generic' ? adapted.values : toSopFields(adapted.values, sop.doc.fields);
    const r = await enterLead({
      ctx,
      input: {
        lead: {
          sopId: input.sopId,
          fields: coerceFields(sop.doc.fields, values),
          source: input.source ?? input.platform,
          raw: item,
          channel: 'push',
          ...(adapted.externalId ? { externalId: adapted.externalId } : {}),
        },
        defs: sop.doc.fields,
      },
    });
    results.push(answer(r));
  }
  return { results };
};
