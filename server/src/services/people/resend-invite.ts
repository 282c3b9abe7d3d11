import { sha256 } from '../auth/sessions.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { INVITE_TTL_MS, type InviteOut } from './invite-user.ts';

/**
 * Gives a pending invitation a new one-time link (admin) and seven more days: only the
 * secret's hash is stored, so the old link cannot be shown again; it stops working.
 */
export const resendInvite: Verb<{ inviteId: string }, InviteOut & { id: string }> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin'], 'resending invitations');
  const ws = ctx.user.workspaceId;
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const id = sha256(secret);
  const expiresAt = ctx.now + INVITE_TTL_MS;
  const renewed = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `update invites set id = $3, expires_at = to_timestamp($4::float8 / 1000)
        where workspace_id = $1 and id = $2 and accepted_at is null
        returning email, role`,
      [ws, input.inviteId, id, expiresAt],
    );
    const row = rows[0];
    if (!row) return null;
    const a = auditBy(ctx, 'user.invite-resent', null, {
      email: String(row.email),
      role: String(row.role),
    });
    await q(a.text, a.params);
    return row;
  });
  if (!renewed) throw new NotFound('invitation', input.inviteId);
  const token = `${ws}.${secret}`;
  return {
    id,
    token,
    url: `/invite#${encodeURIComponent(token)}`,
    expiresAt: new Date(expiresAt).toISOString(),
  };
};
