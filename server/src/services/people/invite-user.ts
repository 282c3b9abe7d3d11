import type { Role } from '@closeloop/engine';
import { sha256 } from '../auth/sessions.ts';
import { normalizeEmail } from '../auth/sign-in-throttle.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Conflict } from '../core/errors.ts';

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export type InviteUserInput = {
  email: string;
  name: string;
  role: Role;
  locale?: 'zh-CN' | 'en';
};

export type InviteOut = { token: string; url: string; expiresAt: string };

/**
 * Invites a person (admin): returns a one-time link token, shown once. Only its SHA-256 is
 * stored; acceptInvite consumes it. Inviting an e-mail again replaces its unaccepted
 * invitation (the earlier link stops working): one pending invitation per person, with the
 * latest name and role.
 */
export const inviteUser: Verb<InviteUserInput, InviteOut> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'inviting users');
  const ws = ctx.user.workspaceId;
  const email = normalizeEmail(input.email);
  const exists = await ctx.db.query('select 1 from users where workspace_id = $1 and email = $2', [
    ws,
    email,
  ]);
  if (exists.length) throw new Conflict('user-exists', `${email} already has an account here`);
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const expiresAt = ctx.now + INVITE_TTL_MS;
  await ctx.db.batch([
    {
      text: `delete from invites where workspace_id = $1 and email = $2 and accepted_at is null`,
      params: [ws, email],
    },
    {
      text: `insert into invites (workspace_id, id, email, name, role, locale, invited_by, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8::float8 / 1000))`,
      params: [
        ws,
        sha256(secret),
        email,
        input.name,
        input.role,
        input.locale ?? 'zh-CN',
        ctx.user.id,
        expiresAt,
      ],
    },
    auditBy(ctx, 'user.invited', null, { email, name: input.name, role: input.role }),
  ]);
  const token = `${ws}.${secret}`;
  return {
    token,
    url: `/invite#${encodeURIComponent(token)}`,
    expiresAt: new Date(expiresAt).toISOString(),
  };
};
