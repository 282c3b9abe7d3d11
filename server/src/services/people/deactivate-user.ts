import { envOf } from '../commands/env.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Invalid, NotFound } from '../core/errors.ts';
import { type HandOverResult, handOver } from './hand-over.ts';

export type DeactivateUserInput = {
  userId: string;
  /** Where their open records go: a named user, or `team-rule` for each record's team rule. */
  handoverTo?: { userId: string } | 'team-rule';
  reason?: string;
};

/**
 * Deactivates a user (admin). In one transaction: the user becomes inactive, every session of
 * theirs ends, and every open record they own moves — with its timers and unread
 * notifications — to the destination, each with a `record.handed-over` event. With open
 * records and no destination it refuses, so nobody's customers leave with them.
 */
export const deactivateUser: Verb<DeactivateUserInput, HandOverResult> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'deactivating users');
  const ws = ctx.user.workspaceId;
  const found = await ctx.db.query('select id from users where workspace_id = $1 and id = $2', [
    ws,
    input.userId,
  ]);
  if (found.length === 0) throw new NotFound('user', input.userId);
  if (input.userId === ctx.user.id) {
    throw new Invalid('invalid-input', 'you cannot deactivate yourself');
  }
  const to = input.handoverTo;
  if (to && to !== 'team-rule' && to.userId === input.userId) {
    throw new Invalid('invalid-input', 'the destination must be another user');
  }
  if (!to) {
    const open = await ctx.db.query(
      `select count(*)::int as n from records
        where workspace_id = $1 and owner_id = $2 and status = 'open'`,
      [ws, input.userId],
    );
    if (Number(open[0]?.n ?? 0) > 0) {
      throw new Invalid(
        'handover-required',
        'this user owns open records: say where they go (a user or the team rule)',
        { extra: { openRecords: Number(open[0]?.n ?? 0) } },
      );
    }
  }
  return handOver({
    env: envOf(ctx),
    select: { kind: 'owner', userId: input.userId },
    ...(to && to !== 'team-rule' ? { toUserId: to.userId } : {}),
    reason: input.reason ?? 'deactivated',
    deactivateUserId: input.userId,
    ...(to ? {} : { mustBeEmpty: true }),
    audit: (out) =>
      out.deactivated
        ? auditBy(
            ctx,
            'user.deactivated',
            { type: 'user', id: input.userId },
            {
              handedOver: out.moved.length,
              to: to === undefined ? null : to === 'team-rule' ? 'team-rule' : to.userId,
              reason: input.reason ?? null,
            },
          )
        : null,
  });
};
