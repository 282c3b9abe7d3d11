import { dropSessionsOfStmt } from '../auth/sessions.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Forbidden, NotFound } from '../core/errors.ts';
import {
  assertUsersExist,
  type MemberSettings,
  readTeam,
  type TeamDetail,
  writeMemberships,
} from './team-members.ts';

export type UpdateTeamInput = {
  teamId: string;
  name?: string;
  shared?: boolean;
  /** Replaces the managers. */
  managers?: string[];
  /** Replaces the members and their routing settings. */
  members?: MemberSettings[];
};

/**
 * Changes a team (admin). A manager of the team may change its members and their routing
 * settings (weight, cap, leave, shift), not its name, sharing or managers.
 */
export const updateTeam: Verb<UpdateTeamInput, TeamDetail> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const isAdmin = ctx.user.role === 'admin';
  const manages = ctx.user.role === 'manager' && ctx.user.managedTeamIds.includes(input.teamId);
  if (!isAdmin && !manages)
    throw new Forbidden('only an admin or the team manager may change a team');
  if (!isAdmin && (input.name !== undefined || input.shared !== undefined || input.managers)) {
    throw new Forbidden("only an admin may change a team's name, sharing or managers");
  }
  return ctx.db.transaction(async (q) => {
    const found = await q('select id from teams where workspace_id = $1 and id = $2 for update', [
      ws,
      input.teamId,
    ]);
    if (found.length === 0) throw new NotFound('team', input.teamId);
    const before = await readTeam(q, ws, input.teamId);
    await assertUsersExist(q, ws, [
      ...(input.managers ?? []),
      ...(input.members ?? []).map((m) => m.userId),
    ]);
    if (input.name !== undefined || input.shared !== undefined) {
      await q(
        `update teams set name = coalesce($3, name), shared = coalesce($4, shared)
          where workspace_id = $1 and id = $2`,
        [ws, input.teamId, input.name ?? null, input.shared ?? null],
      );
    }
    await writeMemberships(q, ws, input.teamId, {
      ...(input.members ? { members: input.members } : {}),
      ...(input.managers ? { managers: input.managers } : {}),
    });
    const team = await readTeam(q, ws, input.teamId);
    if (!team) throw new NotFound('team', input.teamId);
    // the audit entry keeps what changed: name, sharing, managers, members and their settings
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of ['name', 'shared', 'managerIds', 'members'] as const) {
      if (JSON.stringify(before?.[k]) !== JSON.stringify(team[k])) {
        changes[k] = { from: before?.[k] ?? null, to: team[k] };
      }
    }
    if (Object.keys(changes).length) {
      const a = auditBy(ctx, 'team.updated', { type: 'team', id: input.teamId }, { changes });
      await q(a.text, a.params);
      // sessions carry their user's teams, managed teams and shared teams: every process drops
      // its cached sessions of the people who were or are in the team, at commit
      const people = [before, team].flatMap((t) => [
        ...(t?.managerIds ?? []),
        ...(t?.members ?? []).map((m) => m.userId),
      ]);
      const drop = dropSessionsOfStmt(ws, people);
      await q(drop.text, drop.params);
    }
    return team;
  });
};
