import { envOf } from '../commands/env.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Forbidden, Invalid } from '../core/errors.ts';
import { type HandOverResult, handOver } from './hand-over.ts';

export type HandoverRecordsInput = {
  recordIds: string[];
  /** A named user; absent: each record's team rule decides. */
  toUserId?: string;
  reason: string;
};

/**
 * Hands a set of open records to a named user or by the team's rule, in one transaction
 * (managers: any open records of the teams they manage, to a member of those teams;
 * admins: any).
 */
export const handoverRecords: Verb<HandoverRecordsInput, HandOverResult> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin', 'manager'], 'handing over records');
  const recordIds = [...new Set(input.recordIds)];
  if (recordIds.length === 0) throw new Invalid('invalid-input', 'name at least one record');
  const managed = ctx.user.managedTeamIds;
  if (ctx.user.role !== 'admin' && input.toUserId) {
    const rows = await ctx.db.query(
      'select team_id from memberships where workspace_id = $1 and user_id = $2',
      [ctx.user.workspaceId, input.toUserId],
    );
    if (!rows.some((r) => managed.includes(String(r.team_id)))) {
      throw new Forbidden('you may hand records only to members of the teams you manage');
    }
  }
  return handOver({
    env: envOf(ctx),
    select: { kind: 'records', recordIds },
    ...(input.toUserId ? { toUserId: input.toUserId } : {}),
    reason: input.reason,
    authorize: (r) => {
      if (ctx.user.role === 'admin') return;
      if (!r.teamId || !managed.includes(r.teamId)) {
        throw new Forbidden('you may hand over only records of the teams you manage');
      }
    },
    // one entry per handover: how many records, to whom (or the team rule), and which
    audit: (out) =>
      auditBy(
        ctx,
        'records.handed-over',
        input.toUserId ? { type: 'user', id: input.toUserId } : null,
        {
          count: out.moved.length,
          to: input.toUserId ?? 'team-rule',
          reason: input.reason,
          recordIds: out.moved.slice(0, 100).map((m) => m.recordId),
        },
      ),
  });
};
