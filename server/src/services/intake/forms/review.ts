/**
 * The review queue: form submissions held as suspicious (honeypot, too fast, rate limits).
 * Approving one enters its lead through the same path as an accepted submission — once: the
 * submission row is switched from `held` in the record's transaction, so two reviewers racing
 * create one record and the second hears 409 `submission-reviewed`. Discarding keeps the row
 * (rate limits still count it) as `rejected`.
 */
import type { LocalizedText } from '@closeloop/engine';
import type { Stmt } from '../../../db/client.ts';
import { assertRole } from '../../core/access.ts';
import type { Ctx, Verb } from '../../core/context.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { publishedSop } from '../imports/setup.ts';
import { coerceFields } from '../intake-lead.ts';
import { type FormField, formOf } from './forms.ts';
import { enterFormLead, formCtx } from './submit-form.ts';

export type HeldSubmission = {
  id: string;
  formId: string;
  formTitle: LocalizedText | null;
  source: string | null;
  /** The form's fields (labels) in display order, to show the values with. */
  fields: FormField[];
  /** Why it was held: honeypot, too-fast, ip-rate or form-rate. */
  reason: string | null;
  values: Record<string, string>;
  meta: Record<string, unknown>;
  fillMs: number | null;
  createdAt: number;
};

export type ReviewResult = {
  id: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  recordId: string | null;
};

const json = <T>(v: unknown, fallback: T): T =>
  (typeof v === 'string' ? JSON.parse(v) : (v ?? fallback)) as T;
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
const REVIEWERS = ['admin', 'manager'] as const;

export const listHeldSubmissions: Verb<{ limit?: number }, { items: HeldSubmission[] }> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, [...REVIEWERS], 'reviewing form submissions');
  const rows = await ctx.db.query(
    `select s.id, s.form_id, s.reason, s.payload, s.meta, s.fill_ms, s.created_at,
            f.title, f.source, f.fields
       from form_submissions s
       left join forms f on f.workspace_id = s.workspace_id and f.id = s.form_id
      where s.workspace_id = $1 and s.status = 'held'
      order by s.created_at desc, s.id limit $2`,
    [ctx.user.workspaceId, input.limit ?? 100],
  );
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      formId: String(r.form_id),
      formTitle: r.title ? json<LocalizedText>(r.title, { 'zh-CN': '', en: '' }) : null,
      source: typeof r.source === 'string' ? r.source : null,
      fields: json<FormField[]>(r.fields, []),
      reason: typeof r.reason === 'string' ? r.reason : null,
      values: json<Record<string, string>>(r.payload, {}),
      meta: json<Record<string, unknown>>(r.meta, {}),
      fillMs: r.fill_ms === null || r.fill_ms === undefined ? null : Number(r.fill_ms),
      createdAt: ms(r.created_at),
    })),
  };
};

async function heldSubmission(ctx: Ctx, id: string) {
  const rows = await ctx.db.query(
    'select id, form_id, status, payload, meta from form_submissions where workspace_id = $1 and id = $2',
    [ctx.user.workspaceId, id],
  );
  const r = rows[0];
  if (!r) throw new NotFound('submission', id);
  if (r.status !== 'held') throw reviewed(String(r.status));
  return {
    formId: String(r.form_id),
    values: json<Record<string, string>>(r.payload, {}),
    meta: json<unknown>(r.meta, {}),
  };
}

const reviewed = (status: string) =>
  new Conflict('submission-reviewed', `the submission was reviewed already (${status})`);

/** Switches a held submission to its outcome; returns one row only if it was still held. */
function markStmt(
  ctx: Ctx,
  id: string,
  status: ReviewResult['status'],
  recordId: string | null,
): Stmt {
  return {
    text: `update form_submissions set status = $3, record_id = $4, reviewed_at = to_timestamp($5::float8 / 1000),
             reviewed_by = $6
           where workspace_id = $1 and id = $2 and status = 'held' returning 1`,
    params: [ctx.user.workspaceId, id, status, recordId, ctx.now, ctx.user.id],
  };
}

/**
 * Enters a held submission's lead as the form would have (its source, owner rule and
 * duplicate policy); a lead already here marks it `duplicate` instead.
 */
export const approveSubmission: Verb<{ submissionId: string }, ReviewResult> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, [...REVIEWERS], 'reviewing form submissions');
  const id = input.submissionId;
  const sub = await heldSubmission(ctx, id);
  const rows = await ctx.db.query(
    `select id, key, sop_id, title, fields, source, owner_id, duplicate_policy, thank_you, active,
            created_at, updated_at
       from forms where workspace_id = $1 and id = $2`,
    [ctx.user.workspaceId, sub.formId],
  );
  if (!rows[0]) throw new NotFound('form', sub.formId);
  const form = formOf(rows[0]);
  const fctx = await formCtx(ctx, { ...form, workspaceId: ctx.user.workspaceId });
  const sop = await publishedSop(fctx, form.sopId);
  const r = await enterFormLead(fctx, form, sop.doc.fields, {
    fields: coerceFields(sop.doc.fields, sub.values),
    raw: { values: sub.values, meta: sub.meta, reviewedBy: ctx.user.id },
    also: (recordId) => [markStmt(ctx, id, 'accepted', recordId)],
  });
  if (r.outcome === 'created') return { id, status: 'accepted', recordId: r.recordId };
  // the lead was here already — or a concurrent review committed first (then nothing is held)
  const s = markStmt(ctx, id, 'duplicate', r.recordId);
  const marked = await ctx.db.query(s.text, s.params);
  if (!marked[0]) throw reviewed('reviewed meanwhile');
  return { id, status: 'duplicate', recordId: r.recordId };
};

/** Discards a held submission: no record; the row stays for the rate limits and the audit. */
export const discardSubmission: Verb<{ submissionId: string }, ReviewResult> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, [...REVIEWERS], 'reviewing form submissions');
  const id = input.submissionId;
  await heldSubmission(ctx, id);
  const s = markStmt(ctx, id, 'rejected', null);
  const marked = await ctx.db.query(s.text, s.params);
  if (!marked[0]) throw reviewed('reviewed meanwhile');
  return { id, status: 'rejected', recordId: null };
};
