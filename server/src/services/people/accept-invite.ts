import { hashPassword, sha256 } from '../auth/sessions.ts';
import { auditStmt } from '../core/audit.ts';
import type { Deps } from '../core/context.ts';
import { Conflict, DomainError } from '../core/errors.ts';

export type AcceptInviteInput = { token: string; password: string; name?: string };

/**
 * Turns a one-time invite into an account with the chosen password. The invite is consumed
 * in the same transaction (a second use fails); an expired or unknown token is `invite-invalid`.
 */
export async function acceptInvite(
  deps: Deps,
  input: AcceptInviteInput,
  ip: string | null = null,
): Promise<{ userId: string; email: string; workspaceId: string }> {
  const dot = input.token.lastIndexOf('.');
  if (dot <= 0) throw new DomainError('invite-invalid', 'this invitation link is not valid');
  const ws = input.token.slice(0, dot);
  const id = sha256(input.token.slice(dot + 1));
  const hash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  return deps.db.transaction(async (q) => {
    const rows = await q(
      `update invites set accepted_at = now(), user_id = $3
        where workspace_id = $1 and id = $2 and accepted_at is null and expires_at > now()
        returning email, name, role, locale`,
      [ws, id, userId],
    );
    const inv = rows[0];
    if (!inv) throw new DomainError('invite-invalid', 'this invitation link is not valid');
    const made = await q(
      `insert into users (workspace_id, id, email, name, role, locale, password_hash)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (workspace_id, email) do nothing returning id`,
      [ws, userId, inv.email, input.name?.trim() || inv.name, inv.role, inv.locale, hash],
    );
    if (made.length === 0) throw new Conflict('user-exists', 'this email already has an account');
    const a = auditStmt({
      workspaceId: ws,
      actor: { type: 'user', id: userId },
      action: 'user.invite-accepted',
      target: { type: 'user', id: userId },
      detail: { email: String(inv.email), role: String(inv.role) },
      ip,
    });
    await q(a.text, a.params);
    return { userId, email: String(inv.email), workspaceId: ws };
  });
}
