/**
 * Who may route work where: the one check of the owner and team a caller names when filing
 * (createRecord) or handing on (reassignRecord) a record. An admin may route to any active
 * person and any team of the workspace; anyone else only into their own teams, to
 * themselves or to a member of one of their teams, and the owner must belong to the team.
 */
import type { Ctx } from '../core/context.ts';
import { Forbidden, Invalid } from '../core/errors.ts';

export async function assertMayRoute(
  ctx: Ctx,
  target: { ownerId?: string; teamId?: string },
  paths: { ownerId: string; teamId: string } = { ownerId: 'ownerId', teamId: 'teamId' },
): Promise<void> {
  const ws = ctx.user.workspaceId;
  const admin = ctx.user.role === 'admin';
  const { ownerId, teamId } = target;
  if (teamId !== undefined) {
    const team = await ctx.db.query('select 1 from teams where workspace_id = $1 and id = $2', [
      ws,
      teamId,
    ]);
    if (!team.length) {
      throw new Invalid('invalid-input', `no team ${teamId} in this workspace`, {
        errors: [{ path: paths.teamId, message: 'unknown team' }],
      });
    }
    if (!admin && !ctx.user.teamIds.includes(teamId)) {
      throw new Forbidden('you may file records only under your own teams');
    }
  }
  if (ownerId === undefined) return;
  const owner = await ctx.db.query(
    `select coalesce((select array_agg(m.team_id) from memberships m
              where m.workspace_id = u.workspace_id and m.user_id = u.id), '{}') as team_ids
       from users u where u.workspace_id = $1 and u.id = $2 and u.active`,
    [ws, ownerId],
  );
  const o = owner[0];
  if (!o) {
    throw new Invalid('invalid-input', `no active user ${ownerId} in this workspace`, {
      errors: [{ path: paths.ownerId, message: 'unknown user' }],
    });
  }
  if (admin) return;
  const teams = Array.isArray(o.team_ids) ? o.team_ids.map(String) : [];
  if (ownerId !== ctx.user.id && !teams.some((t) => ctx.user.teamIds.includes(t))) {
    throw new Forbidden('you may give records only to members of your teams');
  }
  if (teamId !== undefined && !teams.includes(teamId)) {
    throw new Invalid('invalid-input', `${ownerId} is not a member of team ${teamId}`, {
      errors: [{ path: paths.ownerId, message: 'the owner is not a member of this team' }],
    });
  }
}
