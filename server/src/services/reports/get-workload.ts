/**
 * getWorkload: open and overdue work now, per rep and per team. Not bound to the period:
 * it is the queue as it stands. Answered from records_open_idx (open records only).
 */
import type { Verb } from '../core/context.ts';
import {
  assertCanReport,
  loadSopContext,
  num,
  numOrNull,
  type ReportFilters,
  ratio,
  reportQuery,
  type SopContext,
  scopeOf,
} from './scope.ts';

export type WorkloadRep = {
  userId: string | null;
  name: string;
  teamId: string | null;
  teamName: string;
  open: number;
  overdue: number;
  overdueRate: number | null;
  /** The longest-overdue record's deadline (epoch ms). */
  oldestDueAt: number | null;
};

export type WorkloadTeam = {
  teamId: string | null;
  name: string;
  open: number;
  overdue: number;
  overdueRate: number | null;
};

export type Workload = {
  now: number;
  open: number;
  overdue: number;
  reps: WorkloadRep[];
  teams: WorkloadTeam[];
};

/**
 * Open and overdue records now, per owner and per team.
 *
 * @example
 * const w = await getWorkload({ ctx, input: { sopId: 'closed-loop' } });
 * w.reps[0] // { name: '张销售', open: 12, overdue: 3, … }
 */
export const getWorkload: Verb<ReportFilters, Workload> = async ({ ctx, input }) => {
  assertCanReport(ctx, input);
  let sop: SopContext | null = null;
  if (input.sopId && input.source) sop = await loadSopContext(ctx, input.sopId, input.version);
  const s = scopeOf(ctx, input, sop);
  const now = s.params.ts(ctx.now);
  const rows = await reportQuery(
    ctx.db,
    `select r.owner_id, r.team_id, count(*)::int as open,
            count(*) filter (where r.due_at <= ${now})::int as overdue,
            (extract(epoch from min(r.due_at) filter (where r.due_at <= ${now})) * 1000)::float8
              as oldest_due
       from records r
      where ${s.recordWhere.join(' and ')} and r.status = 'open'
      group by r.owner_id, r.team_id`,
    s.params.values,
  );
  const names = await ctx.db.query(
    `select 'u' as kind, id, name from users where workspace_id = $1
     union all select 't', id, name from teams where workspace_id = $1`,
    [ctx.user.workspaceId],
  );
  const userName = new Map<string, string>();
  const teamName = new Map<string, string>();
  for (const n of names) (n.kind === 'u' ? userName : teamName).set(String(n.id), String(n.name));
  const reps: WorkloadRep[] = rows.map((r) => {
    const userId = r.owner_id === null ? null : String(r.owner_id);
    const teamId = r.team_id === null ? null : String(r.team_id);
    const open = num(r.open);
    const overdue = num(r.overdue);
    return {
      userId,
      name: userId ? (userName.get(userId) ?? userId) : '',
      teamId,
      teamName: teamId ? (teamName.get(teamId) ?? teamId) : '',
      open,
      overdue,
      overdueRate: ratio(overdue, open),
      oldestDueAt: numOrNull(r.oldest_due),
    };
  });
  reps.sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.name.localeCompare(b.name));
  const teams = new Map<string, WorkloadTeam>();
  for (const r of reps) {
    const key = r.teamId ?? '';
    const t = teams.get(key) ?? {
      teamId: r.teamId,
      name: r.teamName,
      open: 0,
      overdue: 0,
      overdueRate: null,
    };
    t.open += r.open;
    t.overdue += r.overdue;
    teams.set(key, t);
  }
  const teamList = [...teams.values()].map((t) => ({
    ...t,
    overdueRate: ratio(t.overdue, t.open),
  }));
  teamList.sort((a, b) => b.overdue - a.overdue || b.open - a.open);
  return {
    now: ctx.now,
    open: reps.reduce((a, r) => a + r.open, 0),
    overdue: reps.reduce((a, r) => a + r.overdue, 0),
    reps,
    teams: teamList,
  };
};
