import type { Verb } from '../core/context.ts';

export type UserSummary = {
  id: string;
  name: string;
  email: string;
  role: string;
  locale: 'zh-CN' | 'en';
  active: boolean;
  teamIds: string[];
  /** E.164; shown to admins and to the user themself, null for everyone else. */
  mobile: string | null;
};

export type TeamSummary = { id: string; name: string; managerIds: string[]; memberIds: string[] };

/**
 * A users row (with its team_ids) as a summary; `mobile` is what the caller may see of the
 * number. The directory and a user's edit answer the same shape.
 */
export function userSummaryOf(r: Record<string, unknown>, mobile: string | null): UserSummary {
  return {
    id: String(r.id),
    name: String(r.name),
    email: String(r.email),
    role: String(r.role),
    locale: r.locale === 'en' ? 'en' : 'zh-CN',
    active: r.active === true,
    teamIds: Array.isArray(r.team_ids) ? r.team_ids.map(String) : [],
    mobile,
  };
}

/** Names for pickers: everyone in the caller's workspace. */
export const listUsers: Verb<Record<string, never>, { items: UserSummary[] }> = async ({ ctx }) => {
  const rows = await ctx.db.query(
    `select u.id, u.name, u.email, u.role, u.locale, u.active, u.mobile,
            coalesce((select array_agg(m.team_id order by m.team_id) from memberships m
                       where m.workspace_id = u.workspace_id and m.user_id = u.id), '{}') as team_ids
       from users u where u.workspace_id = $1 order by u.name, u.id`,
    [ctx.user.workspaceId],
  );
  return {
    items: rows.map((r) =>
      userSummaryOf(
        r,
        r.mobile != null && (ctx.user.role === 'admin' || String(r.id) === ctx.user.id)
          ? String(r.mobile)
          : null,
      ),
    ),
  };
};

export const listTeams: Verb<Record<string, never>, { items: TeamSummary[] }> = async ({ ctx }) => {
  const rows = await ctx.db.query(
    `select t.id, t.name,
            coalesce((select array_agg(m.user_id order by m.user_id) from memberships m
                       where m.workspace_id = t.workspace_id and m.team_id = t.id
                         and m.role = 'manager'), '{}') as manager_ids,
            coalesce((select array_agg(m.user_id order by m.user_id) from memberships m
                       where m.workspace_id = t.workspace_id and m.team_id = t.id
                         and m.role = 'member'), '{}') as member_ids
       from teams t where t.workspace_id = $1 order by t.id`,
    [ctx.user.workspaceId],
  );
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      managerIds: Array.isArray(r.manager_ids) ? r.manager_ids.map(String) : [],
      memberIds: Array.isArray(r.member_ids) ? r.member_ids.map(String) : [],
    })),
  };
};
