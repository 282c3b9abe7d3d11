import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Conflict, Invalid, NotFound } from '../core/errors.ts';
import { type AssignmentView, assignmentViews, queryAssignments, TRAINERS } from './store.ts';

export type AssignTrainingInput = {
  sopId: string;
  userIds: string[];
  /** Epoch ms; null for no due date. */
  dueAt: number | null;
};

/**
 * Assigns the SOP's published version to each user. A user who already has an unfinished
 * assignment of that version keeps it (and its progress) with the new due date.
 */
export const assignTraining: Verb<AssignTrainingInput, { items: AssignmentView[] }> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, [...TRAINERS], 'assigning training');
  const ws = ctx.user.workspaceId;
  const userIds = [...new Set(input.userIds)];
  if (userIds.length === 0) throw new Invalid('invalid-input', 'name at least one person');
  const ids = await ctx.db.transaction(async (q) => {
    const sop = (
      await q('select published_version from sops where workspace_id = $1 and id = $2', [
        ws,
        input.sopId,
      ])
    )[0];
    if (!sop) throw new NotFound('SOP', input.sopId);
    if (sop.published_version === null) {
      throw new Conflict('sop-not-published', `SOP ${input.sopId} has no published version`);
    }
    const version = Number(sop.published_version);
    const found = await q(
      'select id from users where workspace_id = $1 and id = any($2::text[]) and active',
      [ws, userIds],
    );
    const known = new Set(found.map((r) => String(r.id)));
    const missing = userIds.find((u) => !known.has(u));
    if (missing) throw new NotFound('user', missing);
    const out: string[] = [];
    for (const userId of userIds) {
      const open = await q(
        `update training_assignments set due_at = to_timestamp($5::float8 / 1000),
                updated_at = to_timestamp($6::float8 / 1000), assigned_by = $7
          where workspace_id = $1 and user_id = $2 and sop_id = $3 and sop_version = $4
            and completed_at is null
          returning id`,
        [ws, userId, input.sopId, version, input.dueAt, ctx.now, ctx.user.id],
      );
      const existing = open[0];
      if (existing) {
        out.push(String(existing.id));
        continue;
      }
      const id = crypto.randomUUID();
      await q(
        `insert into training_assignments
           (workspace_id, id, sop_id, sop_version, user_id, assigned_by, due_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, to_timestamp($7::float8 / 1000),
                 to_timestamp($8::float8 / 1000), to_timestamp($8::float8 / 1000))`,
        [ws, id, input.sopId, version, userId, ctx.user.id, input.dueAt, ctx.now],
      );
      out.push(id);
    }
    return out;
  });
  const rows = (await Promise.all(ids.map((id) => queryAssignments(ctx, { id })))).flat();
  return { items: await assignmentViews(ctx, rows) };
};
