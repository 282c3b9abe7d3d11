/**
 * The live roster the engine assigns from: members of the named teams with their weight,
 * cap, open-record count and whether they are away at `now`, plus each team's rotation state.
 */
import type { Roster, RosterTeam } from '@closeloop/engine';
import type { Db } from '../../db/client.ts';

const num = (v: unknown, fallback = 0): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
};

const ms = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  const t = d.getTime();
  return Number.isFinite(t) ? t : null;
};

/**
 * The roster rows of some teams; `teamFilter` is SQL over `t` (e.g. `t.id = any($2)`).
 * `counts: false` leaves out each member's open-record count (null), the costly part: it
 * reads every open record the member owns.
 */
export function rosterSelect(workspace: string, teamFilter: string, counts = true): string {
  const openCount = counts
    ? `(select count(*)::int from records o
              where o.workspace_id = t.workspace_id and o.owner_id = m.user_id
                and o.status = 'open')`
    : 'null::int';
  return `select t.id as team_id, t.rr_cursor, t.assigned, m.user_id, m.role, m.weight, m.cap,
            m.leave_from, m.leave_until, m.shift, u.active,
            (select (w.calendar ->> 'utcOffsetMinutes')::int from workspaces w
              where w.id = t.workspace_id) as utc_offset,
            ${openCount} as open_count
       from teams t
       left join memberships m on m.workspace_id = t.workspace_id and m.team_id = t.id
       left join users u on u.workspace_id = m.workspace_id and u.id = m.user_id
      where t.workspace_id = ${workspace} and (${teamFilter})
      order by t.id, m.user_id`;
}

export async function loadRoster(
  db: Db,
  workspaceId: string,
  teamIds: readonly string[],
  now: number,
  counts = true,
): Promise<Roster> {
  if (teamIds.length === 0) return { teams: [] };
  const rows = await db.query(rosterSelect('$1', 't.id = any($2::text[])', counts), [
    workspaceId,
    [...teamIds],
  ]);
  return rosterFromRows(rows, now);
}

export function rosterFromRows(rows: Record<string, unknown>[], now: number): Roster {
  const teams = new Map<string, RosterTeam>();
  for (const row of rows) {
    const teamId = String(row.team_id);
    let team = teams.get(teamId);
    if (!team) {
      const assigned: Record<string, number> = {};
      if (row.assigned && typeof row.assigned === 'object') {
        for (const [k, v] of Object.entries(row.assigned)) assigned[k] = num(v);
      }
      team = { id: teamId, managerIds: [], members: [], rrCursor: num(row.rr_cursor), assigned };
      teams.set(teamId, team);
    }
    if (typeof row.user_id !== 'string') continue;
    if (row.role === 'manager') {
      team.managerIds.push(row.user_id);
      continue;
    }
    const from = ms(row.leave_from);
    const until = ms(row.leave_until);
    const onLeave = from !== null && from <= now && (until === null || now < until);
    const offset =
      row.utc_offset === null || row.utc_offset === undefined ? 480 : num(row.utc_offset, 480);
    const away = onLeave || !inShift(row.shift, now, offset);
    team.members.push({
      userId: row.user_id,
      active: row.active === true,
      weight: num(row.weight, 1),
      ...(row.cap === null || row.cap === undefined ? {} : { cap: num(row.cap) }),
      openCount: num(row.open_count),
      away,
    });
  }
  return { teams: [...teams.values()] };
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (v: unknown): number | null => {
  const m = typeof v === 'string' ? HHMM.exec(v) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/**
 * Whether `now` falls in a member's working shift (`{ start: 'HH:MM', end: 'HH:MM',
 * days?: ISO weekdays }`, local time at `utcOffsetMinutes`). No shift: always on. A shift
 * whose end is before its start runs past midnight.
 */
export function inShift(shift: unknown, now: number, utcOffsetMinutes: number): boolean {
  if (!shift || typeof shift !== 'object') return true;
  const s = shift as Record<string, unknown>;
  const start = minutesOf(s.start);
  const end = minutesOf(s.end);
  if (start === null || end === null) return true;
  const local = new Date(now + utcOffsetMinutes * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const weekday = ((local.getUTCDay() + 6) % 7) + 1;
  if (Array.isArray(s.days) && s.days.length > 0 && !s.days.includes(weekday)) return false;
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
