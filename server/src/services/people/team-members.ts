/**
 * Team membership and routing settings, shared by createTeam and updateTeam.
 */
import type { Row } from '../../db/client.ts';
import { Invalid } from '../core/errors.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

export type Shift = { start: string; end: string; days?: number[] };

export type MemberSettings = {
  userId: string;
  /** Relative share for the weighted strategy (default 1). */
  weight?: number;
  /** Most open records at once; null or absent: no cap. */
  cap?: number | null;
  /** On leave from–until (ISO 8601); until null: open-ended. */
  leaveFrom?: string | null;
  leaveUntil?: string | null;
  /** Working shift in the workspace's local time; null: always on. */
  shift?: Shift | null;
};

/** Throws unless every id names a user of the workspace. */
export async function assertUsersExist(q: Q, workspaceId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await q('select id from users where workspace_id = $1 and id = any($2::text[])', [
    workspaceId,
    [...new Set(ids)],
  ]);
  const have = new Set(rows.map((r) => String(r.id)));
  const missing = [...new Set(ids)].filter((id) => !have.has(id));
  if (missing.length) throw new Invalid('invalid-input', `unknown users: ${missing.join(', ')}`);
}

/**
 * Replaces the team's members (when `members` is given) and managers (when `managers` is
 * given). A user listed as both is a manager.
 */
export async function writeMemberships(
  q: Q,
  workspaceId: string,
  teamId: string,
  input: { members?: MemberSettings[]; managers?: string[] },
): Promise<void> {
  const managers = input.managers ? [...new Set(input.managers)] : undefined;
  if (input.members) {
    await q(
      `delete from memberships where workspace_id = $1 and team_id = $2 and role = 'member'`,
      [workspaceId, teamId],
    );
    for (const m of input.members) {
      if (managers?.includes(m.userId)) continue;
      await q(
        `insert into memberships (workspace_id, team_id, user_id, role, weight, cap, leave_from,
            leave_until, shift)
         values ($1, $2, $3, 'member', $4, $5, $6::timestamptz, $7::timestamptz, $8::text::jsonb)
         on conflict (workspace_id, team_id, user_id) do nothing`,
        [
          workspaceId,
          teamId,
          m.userId,
          m.weight ?? 1,
          m.cap ?? null,
          m.leaveFrom ?? null,
          m.leaveUntil ?? null,
          m.shift ? JSON.stringify(m.shift) : null,
        ],
      );
    }
  }
  if (managers) {
    await q(
      `delete from memberships where workspace_id = $1 and team_id = $2
          and (role = 'manager' or user_id = any($3::text[]))`,
      [workspaceId, teamId, managers],
    );
    for (const userId of managers) {
      await q(
        `insert into memberships (workspace_id, team_id, user_id, role) values ($1, $2, $3, 'manager')`,
        [workspaceId, teamId, userId],
      );
    }
  }
}

export type TeamDetail = {
  id: string;
  name: string;
  shared: boolean;
  managerIds: string[];
  members: Array<
    Required<Pick<MemberSettings, 'userId' | 'weight'>> & Omit<MemberSettings, 'userId' | 'weight'>
  >;
};

export async function readTeam(
  q: Q,
  workspaceId: string,
  teamId: string,
): Promise<TeamDetail | null> {
  const teams = await q('select id, name, shared from teams where workspace_id = $1 and id = $2', [
    workspaceId,
    teamId,
  ]);
  const t = teams[0];
  if (!t) return null;
  const rows = await q(
    `select user_id, role, weight, cap, leave_from, leave_until, shift from memberships
      where workspace_id = $1 and team_id = $2 order by user_id`,
    [workspaceId, teamId],
  );
  const iso = (v: unknown) =>
    v instanceof Date ? v.toISOString() : v ? new Date(String(v)).toISOString() : null;
  return {
    id: String(t.id),
    name: String(t.name),
    shared: t.shared === true,
    managerIds: rows.filter((r) => r.role === 'manager').map((r) => String(r.user_id)),
    members: rows
      .filter((r) => r.role === 'member')
      .map((r) => ({
        userId: String(r.user_id),
        weight: Number(r.weight),
        cap: r.cap === null ? null : Number(r.cap),
        leaveFrom: iso(r.leave_from),
        leaveUntil: iso(r.leave_until),
        shift: isShift(r.shift) ? r.shift : null,
      })),
  };
}

function isShift(v: unknown): v is Shift {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as Shift).start === 'string' &&
    typeof (v as Shift).end === 'string'
  );
}
