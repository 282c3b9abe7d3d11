import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';

/** Withdraws a pending invitation (admin): its link stops working at once. */
export const revokeInvite: Verb<{ inviteId: string }, { revoked: true }> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin'], 'revoking invitations');
  const done = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `delete from invites where workspace_id = $1 and id = $2 and accepted_at is null
        returning email, role`,
      [ctx.user.workspaceId, input.inviteId],
    );
    const row = rows[0];
    if (!row) return false;
    const a = auditBy(ctx, 'user.invite-revoked', null, {
      email: String(row.email),
      role: String(row.role),
    });
    await q(a.text, a.params);
    return true;
  });
  if (!done) throw new NotFound('invitation', input.inviteId);
  return { revoked: true };
};
