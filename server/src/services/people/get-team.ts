import type { Verb } from '../core/context.ts';
import { Forbidden, NotFound } from '../core/errors.ts';
import { readTeam, type TeamDetail } from './team-members.ts';

export type GetTeamInput = { teamId: string };

/**
 * Reads one team with its managers, members and each member's routing settings (weight,
 * cap, leave, shift): for an admin, or a manager of that team. Others get `Forbidden`
 * before the team is looked up, so they do not learn which team ids exist.
 */
export const getTeam: Verb<GetTeamInput, TeamDetail> = async ({ ctx, input }) => {
  const isAdmin = ctx.user.role === 'admin';
  const manages = ctx.user.role === 'manager' && ctx.user.managedTeamIds.includes(input.teamId);
  if (!isAdmin && !manages) throw new Forbidden('only an admin or the team manager may see a team');
  const team = await readTeam(
    (text, params) => ctx.db.query(text, params),
    ctx.user.workspaceId,
    input.teamId,
  );
  if (!team) throw new NotFound('team', input.teamId);
  return team;
};
