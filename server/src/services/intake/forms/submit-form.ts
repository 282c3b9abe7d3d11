/**
 * A public form submission (no session): checked for bots (honeypot, fill time, per-IP and
 * per-form rates counted from the submissions table), then entered as a lead — or held for
 * review. A held submission gets the same thank-you page, so a bot learns nothing.
 */
import type { FieldDef, Fields, LocalizedText } from '@closeloop/engine';
import type { Stmt } from '../../../db/client.ts';
import { sessionInfoOf, sha256 } from '../../auth/sessions.ts';
import type { Ctx, Deps } from '../../core/context.ts';
import { Invalid, NotFound } from '../../core/errors.ts';
import { type EnterLeadResult, enterLead } from '../enter-lead.ts';
import { publishedSop } from '../imports/setup.ts';
import { coerceFields } from '../intake-lead.ts';
import { isMainlandMobile } from '../values.ts';
import { type Form, publicForm } from './forms.ts';

/** Fewer milliseconds than this between showing the form and sending it: a bot. */
export const MIN_FILL_MS = 3000;
/** Per client address: submissions in 10 minutes before the rest are held. */
export const PER_IP_10_MIN = 5;
/** Per form: submissions in one minute before the rest are held. */
export const PER_FORM_MINUTE = 30;

export type SubmitFormInput = {
  key: string;
  values: Record<string, string>;
  /** The hidden field people never see; anything in it means a bot. */
  honeypot?: string;
  /** When the page was shown (epoch ms), for the fill time. */
  startedAt?: number;
  meta: { utm: Record<string, string>; referrer?: string; landing?: string };
  ip: string | null;
  locale: 'zh-CN' | 'en';
};

export type SubmitFormResult = {
  status: 'accepted' | 'duplicate' | 'held';
  thankYou: LocalizedText;
};

const msg = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

/** The context of a form acting for its workspace (like an intake token). */
export async function formCtx(deps: Deps, form: Form & { workspaceId: string }): Promise<Ctx> {
  const rows = await deps.db.query(
    'select calendar, clock_offset_ms::float8 as clock_offset_ms from workspaces where id = $1',
    [form.workspaceId],
  );
  const info = sessionInfoOf(
    {
      id: `form:${form.id}`,
      email: '',
      name: 'form',
      role: 'admin',
      locale: 'zh-CN',
      workspace_id: form.workspaceId,
      calendar: rows[0]?.calendar ?? null,
      clock_offset_ms: rows[0]?.clock_offset_ms ?? 0,
      team_ids: [],
      managed_team_ids: [],
      shared_team_ids: [],
    },
    deps.config.testClock,
  );
  return {
    ...deps,
    user: { ...info.user, token: { id: form.id, name: 'form', scopes: ['intake'] } },
    now: deps.clock.now() + info.clockOffsetMs,
    calendar: info.calendar,
    clockOffsetMs: info.clockOffsetMs,
  };
}

function checkValues(
  form: Form,
  values: Record<string, string>,
  defs: { key: string; type: string }[],
) {
  const errors: Array<{ path: string; message: LocalizedText }> = [];
  for (const f of form.fields) {
    const v = values[f.field]?.trim() ?? '';
    if (f.required && !v) {
      errors.push({
        path: f.field,
        message: msg(`请填写「${f.label['zh-CN']}」`, `Enter “${f.label.en}”`),
      });
    }
    const def = defs.find((d) => d.key === f.field);
    if (v && def?.type === 'phone' && !isMainlandMobile(v)) {
      errors.push({
        path: f.field,
        message: msg(
          '请填写 11 位中国大陆手机号',
          'Enter an 11-digit mainland China mobile number',
        ),
      });
    }
  }
  if (errors.length)
    throw new Invalid('invalid-input', 'the form is not filled in correctly', { errors });
}

async function suspicion(
  ctx: Ctx,
  form: Form,
  input: SubmitFormInput,
  ipHash: string,
): Promise<string | null> {
  if (input.honeypot?.trim()) return 'honeypot';
  if (input.startedAt === undefined || ctx.clock.now() - input.startedAt < MIN_FILL_MS)
    return 'too-fast';
  const rows = await ctx.db.query(
    `select (select count(*)::int from form_submissions where ip_hash = $1 and created_at > now() - interval '10 minutes') as ip,
            (select count(*)::int from form_submissions where workspace_id = $2 and form_id = $3
               and created_at > now() - interval '1 minute') as form`,
    [ipHash, ctx.user.workspaceId, form.id],
  );
  if (Number(rows[0]?.ip) >= PER_IP_10_MIN) return 'ip-rate';
  if (Number(rows[0]?.form) >= PER_FORM_MINUTE) return 'form-rate';
  return null;
}

/**
 * Enters a form's lead, as a submission does and as approving a held one does: the form's
 * source, owner and duplicate policy, with the caller's statements in the record's transaction.
 */
export function enterFormLead(
  ctx: Ctx,
  form: Form,
  defs: readonly FieldDef[],
  lead: { fields: Fields; raw: unknown; also: (recordId: string) => Stmt[] },
): Promise<EnterLeadResult> {
  return enterLead({
    ctx,
    input: {
      lead: {
        sopId: form.sopId,
        fields: lead.fields,
        source: form.source,
        raw: lead.raw,
        channel: 'form',
        formId: form.id,
        ...(form.ownerId ? { ownerId: form.ownerId } : {}),
      },
      defs,
      duplicatePolicy: form.duplicatePolicy,
      also: lead.also,
    },
  });
}

const INSERT_SUBMISSION = `insert into form_submissions (workspace_id, id, form_id, status, reason, ip_hash, payload, meta, record_id, fill_ms)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10) returning 1`;

export async function submitForm(deps: Deps, input: SubmitFormInput): Promise<SubmitFormResult> {
  const form = await publicForm(deps.db, input.key);
  if (!form) throw new NotFound('form', input.key);
  const ctx = await formCtx(deps, form);
  const sop = await publishedSop(ctx, form.sopId);
  const values = Object.fromEntries(
    form.fields
      .map((f) => [f.field, (input.values[f.field] ?? '').slice(0, 2000)])
      .filter(([, v]) => v?.trim()),
  );
  checkValues(form, values, sop.doc.fields);
  const fields = coerceFields(sop.doc.fields, values);
  const ipHash = sha256(`${form.workspaceId}:${input.ip ?? 'unknown'}`);
  const fillMs =
    input.startedAt === undefined ? null : Math.max(0, ctx.clock.now() - input.startedAt);
  const row = (status: string, reason: string | null, recordId: string | null) => ({
    text: INSERT_SUBMISSION,
    params: [
      form.workspaceId,
      crypto.randomUUID(),
      form.id,
      status,
      reason,
      ipHash,
      JSON.stringify(values),
      JSON.stringify(input.meta),
      recordId,
      fillMs,
    ],
  });
  const reason = await suspicion(ctx, form, input, ipHash);
  if (reason) {
    const s = row('held', reason, null);
    await ctx.db.query(s.text, s.params);
    return { status: 'held', thankYou: form.thankYou };
  }
  const r = await enterFormLead(ctx, form, sop.doc.fields, {
    fields,
    raw: { values, meta: input.meta },
    also: (recordId) => [row('accepted', null, recordId)],
  });
  if (r.outcome === 'duplicate') {
    const s = row('duplicate', r.matchedOn, r.recordId);
    await ctx.db.query(s.text, s.params);
    return { status: 'duplicate', thankYou: form.thankYou };
  }
  return { status: 'accepted', thankYou: form.thankYou };
}
