/**
 * The one entry every intake channel goes through: a canonical lead in, a record created
 * (or the lead recognised as one already here) out. Channels are thin adapters that build
 * the lead; this function keeps its source and raw payload and makes entry exactly-once:
 * the same (source, external id), or under the `skip` policy the same phone or e-mail,
 * enters once however many copies race.
 */
import type { FieldDef, Fields } from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import { AlreadyHandled, type CommandResult } from '../commands/command.ts';
import type { Ctx } from '../core/context.ts';
import { createRecord } from '../records/create-record.ts';
import { emailKey, phoneKey } from '../records/find-duplicates.ts';

export type LeadChannel = 'manual' | 'api' | 'import' | 'form' | 'push';
export type DuplicatePolicy = 'skip' | 'create';

export type CanonicalLead = {
  sopId: string;
  fields: Fields;
  /** Where the lead came from: "展会 2026 春", "douyin", "web-form:landing-a". */
  source: string;
  /** The lead's id at its source (clue_id, leads_id); the same pair enters once. */
  externalId?: string;
  /** What the channel received, kept as is. */
  raw: unknown;
  channel: LeadChannel;
  ownerId?: string;
  importId?: string;
  formId?: string;
};

export type DuplicateOn = 'externalId' | 'phone' | 'email' | 'row';

export type EnterLeadResult =
  | { outcome: 'created'; leadId: string; recordId: string; result: CommandResult }
  | { outcome: 'duplicate'; recordId: string | null; matchedOn: DuplicateOn };

/**
 * Normalised `p:`/`e:` keys of a lead's phone and e-mail fields, sorted so that concurrent
 * writers take their row locks in one order.
 */
export function leadKeys(defs: readonly FieldDef[], fields: Fields): string[] {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') continue;
    const type = defs.find((d) => d.key === key)?.type;
    if (type === 'phone') {
      const k = phoneKey(value);
      if (k) keys.add(`p:${k}`);
    } else if (type === 'email') {
      const k = emailKey(value);
      if (k) keys.add(`e:${k}`);
    }
  }
  return [...keys].sort();
}

const keyKind = (key: string): DuplicateOn => (key.startsWith('p:') ? 'phone' : 'email');

/** Which earlier lead a lead repeats, by external id and then by key; null when none. */
export async function findEnteredLead(
  ctx: Ctx,
  lead: Pick<CanonicalLead, 'source' | 'externalId'>,
  keys: readonly string[],
): Promise<{ recordId: string; matchedOn: DuplicateOn } | null> {
  const ws = ctx.user.workspaceId;
  if (lead.externalId) {
    const rows = await ctx.db.query(
      'select record_id from intake_leads where workspace_id = $1 and source = $2 and external_id = $3',
      [ws, lead.source, lead.externalId],
    );
    if (rows[0]) return { recordId: String(rows[0].record_id), matchedOn: 'externalId' };
  }
  if (keys.length) {
    const rows = await ctx.db.query(
      'select key, record_id from intake_keys where workspace_id = $1 and key = any($2::text[]) order by key',
      [ws, [...keys]],
    );
    if (rows[0]) {
      return { recordId: String(rows[0].record_id), matchedOn: keyKind(String(rows[0].key)) };
    }
  }
  return null;
}

/**
 * The statements that enter a lead with its record, each returning one row or the record's
 * whole transaction is dropped: the lead row (its source and external id enter once) and
 * its phone/e-mail keys (under `skip`, each key enters once; under `create` a repeated key
 * is allowed).
 */
export function leadGuards(
  ctx: Ctx,
  lead: CanonicalLead,
  at: { recordId: string; leadId: string; keys: readonly string[]; policy: DuplicatePolicy },
): Stmt[] {
  const ws = ctx.user.workspaceId;
  return [
    {
      text: `insert into intake_leads (workspace_id, id, channel, source, external_id, sop_id, record_id, raw, import_id, form_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) on conflict do nothing returning 1`,
      params: [
        ws,
        at.leadId,
        lead.channel,
        lead.source,
        lead.externalId ?? null,
        lead.sopId,
        at.recordId,
        JSON.stringify(lead.raw ?? null),
        lead.importId ?? null,
        lead.formId ?? null,
      ],
    },
    ...at.keys.map((key) => ({
      // under `create` a repeated key is allowed: the no-op update still returns its row
      text:
        at.policy === 'skip'
          ? 'insert into intake_keys (workspace_id, key, record_id) values ($1, $2, $3) on conflict do nothing returning 1'
          : `insert into intake_keys (workspace_id, key, record_id) values ($1, $2, $3)
             on conflict (workspace_id, key) do update set record_id = intake_keys.record_id returning 1`,
      params: [ws, key, at.recordId],
    })),
  ];
}

/**
 * Enters one lead: unless it repeats an earlier one, creates its record through createRecord
 * with the lead row, its keys and the caller's `also` statements in the record's transaction.
 *
 * @example
 * const r = await enterLead({ ctx, input: { lead: { sopId: 'lead', fields: { phone: '13800138000' },
 *   source: 'douyin', externalId: 'clue-1', raw: body, channel: 'push' }, defs: sop.fields } });
 * // { outcome: 'created', recordId, … } — the same call again: { outcome: 'duplicate', matchedOn: 'externalId' }
 */
export async function enterLead({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    lead: CanonicalLead;
    defs: readonly FieldDef[];
    duplicatePolicy?: DuplicatePolicy;
    /** Statements for the same transaction, each returning one row (e.g. the import row). */
    also?: (recordId: string) => Stmt[];
    /** Skip the read-only check (the caller just made it for a batch). */
    checked?: boolean;
  };
}): Promise<EnterLeadResult> {
  const { lead } = input;
  const policy = input.duplicatePolicy ?? 'skip';
  const keys = leadKeys(input.defs, lead.fields);
  const watched = policy === 'skip' ? keys : [];
  if (!input.checked) {
    const seen = await findEnteredLead(ctx, lead, watched);
    if (seen) return { outcome: 'duplicate', ...seen };
  }
  const recordId = crypto.randomUUID();
  const leadId = crypto.randomUUID();
  const guards = leadGuards(ctx, lead, { recordId, leadId, keys, policy });
  guards.push(...(input.also?.(recordId) ?? []));
  try {
    const result = await createRecord({
      ctx,
      input: {
        sopId: lead.sopId,
        fields: lead.fields,
        channel: lead.channel,
        recordId,
        guards,
        ...(lead.ownerId ? { ownerId: lead.ownerId } : {}),
      },
    });
    return { outcome: 'created', leadId, recordId, result };
  } catch (e) {
    if (!(e instanceof AlreadyHandled)) throw e;
    // a concurrent copy committed first: name what it created
    const seen = await findEnteredLead(ctx, lead, watched);
    return seen
      ? { outcome: 'duplicate', ...seen }
      : { outcome: 'duplicate', recordId: null, matchedOn: 'row' };
  }
}
