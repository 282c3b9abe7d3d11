import type { Role } from '@closeloop/engine';
import { phoneKey } from '@closeloop/engine/customers';
import { dropSessionsOfStmt } from '../auth/sessions.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Forbidden, Invalid, NotFound } from '../core/errors.ts';
import { type UserSummary, userSummaryOf } from './directory.ts';

export type UpdateUserInput = {
  userId: string;
  role?: Role;
  name?: string;
  locale?: 'zh-CN' | 'en';
  /** Any way of writing a phone number; stored in E.164. Null or empty clears it. */
  mobile?: string | null;
};

/**
 * Changes a user's role, name, locale or mobile (admin). Anyone may change their own name,
 * locale and mobile (the number chat robots @-mention, normalised to E.164); nobody may change their own role (an admin cannot lock the workspace out).
 */
export const updateUser: Verb<UpdateUserInput, UserSummary> = async ({ ctx, input }) => {
  const self = input.userId === ctx.user.id;
  if (ctx.user.role !== 'admin' && (!self || input.role !== undefined)) {
    throw new Forbidden('only an admin may change other users or roles');
  }
  if (self && input.role !== undefined && input.role !== ctx.user.role) {
    throw new Invalid('invalid-input', 'you cannot change your own role');
  }
  const mobile = input.mobile === undefined ? undefined : normaliseMobile(input.mobile);
  const r = await ctx.db.transaction(async (q) => {
    const before = await q(
      'select role, name, locale, mobile from users where workspace_id = $1 and id = $2 for update',
      [ctx.user.workspaceId, input.userId],
    );
    const old = before[0];
    if (!old) return undefined;
    const rows = await q(
      `update users set role = coalesce($3, role), name = coalesce($4, name),
              locale = coalesce($5, locale),
              mobile = case when $6::boolean then $7 else mobile end
        where workspace_id = $1 and id = $2
        returning id, name, email, role, locale, active, mobile,
          coalesce((select array_agg(m.team_id order by m.team_id) from memberships m
                     where m.workspace_id = users.workspace_id and m.user_id = users.id), '{}') as team_ids`,
      [
        ctx.user.workspaceId,
        input.userId,
        input.role ?? null,
        input.name ?? null,
        input.locale ?? null,
        mobile !== undefined,
        mobile ?? null,
      ],
    );
    // the audit entry names each changed value, before and after
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['role', 'name', 'locale'] as const) {
      if (input[k] !== undefined && input[k] !== old[k])
        changes[k] = { from: old[k], to: input[k] };
    }
    if (mobile !== undefined && mobile !== (old.mobile ?? null))
      changes.mobile = { from: old.mobile ?? null, to: mobile };
    if (Object.keys(changes).length) {
      const action = changes.role ? 'user.role-changed' : 'user.updated';
      const a = auditBy(ctx, action, { type: 'user', id: input.userId }, { changes });
      await q(a.text, a.params);
      // every process drops its cached sessions of this user at commit: the change applies at once
      const drop = dropSessionsOfStmt(ctx.user.workspaceId, [input.userId]);
      await q(drop.text, drop.params);
    }
    return rows[0];
  });
  if (!r) throw new NotFound('user', input.userId);
  return userSummaryOf(r, r.mobile == null ? null : String(r.mobile));
};

/** E.164, or null to clear; 422 `invalid-input` when the text is not a phone number. */
function normaliseMobile(raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  const e164 = phoneKey(raw);
  if (!e164) throw new Invalid('invalid-input', 'mobile is not a valid phone number');
  return e164;
}
