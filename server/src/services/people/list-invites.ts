import type { Role } from '@closeloop/engine';
import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';

export type PendingInvite = {
  /** The SHA-256 of the link's secret: names the invite, never opens it. */
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: 'zh-CN' | 'en';
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  expired: boolean;
};

const ROLES: readonly Role[] = ['admin', 'manager', 'trainer', 'rep'];

/** Invitations not yet accepted (admin), newest first; expired ones say so. */
export const listInvites: Verb<Record<string, never>, { items: PendingInvite[] }> = async ({
  ctx,
}) => {
  assertRole(ctx.user, ['admin'], 'listing invitations');
  const rows = await ctx.db.query(
    `select id, email, name, role, locale, invited_by,
            (extract(epoch from created_at) * 1000)::float8 as created_ms,
            (extract(epoch from expires_at) * 1000)::float8 as expires_ms
       from invites
      where workspace_id = $1 and accepted_at is null
      order by created_at desc, id
      limit 500`,
    [ctx.user.workspaceId],
  );
  return {
    items: rows.map((r) => {
      const expiresAt = Number(r.expires_ms);
      return {
        id: String(r.id),
        email: String(r.email),
        name: String(r.name),
        role: ROLES.find((x) => x === r.role) ?? 'rep',
        locale: r.locale === 'en' ? 'en' : 'zh-CN',
        invitedBy: String(r.invited_by),
        createdAt: Number(r.created_ms),
        expiresAt,
        expired: expiresAt <= ctx.now,
      };
    }),
  };
};
