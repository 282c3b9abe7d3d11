import { dropSessionsOfStmt } from '../auth/sessions.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Conflict } from '../core/errors.ts';
import {
  assertUsersExist,
  type MemberSettings,
  readTeam,
  type TeamDetail,
  writeMemberships,
} from './team-members.ts';

export type CreateTeamInput = {
  id: string;
  name: string;
  shared?: boolean;
  managers?: string[];
  members?: MemberSettings[];
};

/** Creates a team with its managers and members (admin). */
export const createTeam: Verb<CreateTeamInput, TeamDetail> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'creating teams');
  const ws = ctx.user.workspaceId;
  return ctx.db.transaction(async (q) => {
    await assertUsersExist(q, ws, [
      ...(input.managers ?? []),
      ...(input.members ?? []).map((m) => m.userId),
    ]);
    const made = await q(
      `insert into teams (workspace_id, id, name, shared) values ($1, $2, $3, $4)
       on conflict (workspace_id, id) do nothing returning id`,
      [ws, input.id, input.name, input.shared ?? false],
    );
    if (made.length === 0) throw new Conflict('team-exists', `team ${input.id} already exists`);
    await writeMemberships(q, ws, input.id, {
      members: input.members ?? [],
      managers: input.managers ?? [],
    });
    const team = await readTeam(q, ws, input.id);
    if (!team) throw new Error('team vanished');
    const a = auditBy(ctx, 'team.created', { type: 'team', id: input.id }, { team });
    await q(a.text, a.params);
    // sessions carry their user's teams: every process drops its cached ones at commit
    const drop = dropSessionsOfStmt(ws, [...team.managerIds, ...team.members.map((m) => m.userId)]);
    await q(drop.text, drop.params);
    return team;
  });
};
