/**
 * The scheduler's firing step: claimed timers become `timer` commands, planned on the state
 * the previous one left and committed many records' worth in one transaction; a batch that
 * cannot commit is fired one timer at a time. Every timer's guard (claimed by this process)
 * makes either way take effect exactly once.
 */
import { type Calendar, chinaCalendar, type Roster } from '@closeloop/engine';
import type { Db, Stmt } from '../../db/client.ts';
import type { Deps } from '../core/context.ts';
import { DomainError } from '../core/errors.ts';
import { POOL_TIMER_KINDS } from '../customers/customer-stmts.ts';
import { firePoolTimer } from '../customers/pool-timers.ts';
import { AlreadyHandled, type CommandEnv, type RunCommand, runCommand } from './command.ts';
import { commitPlans, type Plan, type Preloaded, planCommand } from './command-stages.ts';
import { planHandoffs } from './handoffs.ts';
import { type StoredRecord, storedRecordOf } from './record-store.ts';
import { loadRoster } from './roster.ts';
import { type Claimed, skipStmt } from './timer-claims.ts';

/** What firing needs: the app's deps, the claiming process and the workspaces' calendars. */
export type FiringEnv = {
  deps: Deps;
  processId: string;
  calendarOf(workspaceId: string): Promise<Calendar>;
};

/** Each workspace's working calendar, read at most once a minute. */
export function createCalendarCache(db: Db): (workspaceId: string) => Promise<Calendar> {
  const calendars = new Map<string, { at: number; cal: Calendar }>();
  return async function calendarOf(workspaceId: string): Promise<Calendar> {
    const hit = calendars.get(workspaceId);
    if (hit && Date.now() - hit.at < 60_000) return hit.cal;
    const rows = await db.query('select calendar from workspaces where id = $1', [workspaceId]);
    const raw = rows[0]?.calendar;
    const cal = isCalendar(raw) ? raw : chinaCalendar;
    calendars.set(workspaceId, { at: Date.now(), cal });
    return cal;
  };
}

async function commandFor(env: FiringEnv, t: Claimed): Promise<RunCommand> {
  const { deps, processId } = env;
  const cmdEnv: CommandEnv = {
    ...deps,
    workspaceId: t.workspaceId,
    actor: { id: 'system', role: 'admin', system: true },
    // a timer takes effect at its due time at the earliest, whatever this clock says
    now: Math.max(deps.clock.now() + t.offsetMs, t.dueMs),
    calendar: await env.calendarOf(t.workspaceId),
  };
  return {
    env: cmdEnv,
    recordId: t.recordId,
    cmd: { type: 'timer', timerId: t.id },
    // row-shaped and keyed by the timer, so a batch's guards merge into one statement; it
    // writes under its record, so a second timer of one record keeps its place after the first
    guards: [
      {
        text: `update timers t set status = 'fired', fired_at = now()
                 from unnest($1::text[], $2::text[], $3::text[]) as x(w, i, p)
                where t.workspace_id = x.w and t.id = x.i and t.status = 'claimed'
                  and t.claimed_by = x.p
                returning t.id as k`,
        params: [[t.workspaceId], [t.id], [processId]],
        rows: {
          keys: [t.id],
          owns: [t.recordId],
          single: {
            text: `update timers set status = 'fired', fired_at = now()
                    where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3
                    returning id as k`,
            params: [t.workspaceId, t.id, processId],
          },
        },
      },
    ],
    retryOnStale: 8,
  };
}

/** Fires one timer in its own transaction (the fallback when a batch cannot commit). */
async function fireOne(env: FiringEnv, t: Claimed): Promise<void> {
  try {
    await runCommand(await commandFor(env, t));
  } catch (e) {
    if (e instanceof AlreadyHandled) return;
    if (e instanceof DomainError) {
      // the engine says the timer no longer applies (stage left, record closed): done
      const skip = skipStmt(t, env.processId, e.code);
      await env.deps.db.query(skip.text, skip.params);
      return;
    }
    throw e;
  }
}

type BatchRoster = Omit<Preloaded, 'stored'>;

/** The records of a batch in one query, and one roster per workspace for all of them. */
async function loadBatch({ deps }: FiringEnv, queues: Claimed[][]) {
  const { db } = deps;
  const ws = queues.map((q) => q[0]?.workspaceId ?? '');
  const ids = queues.map((q) => q[0]?.recordId ?? '');
  const rows = await db.query(
    `select r.workspace_id, r.id, r.state, r.version, r.event_count
       from unnest($1::text[], $2::text[]) as k(w, i)
       join records r on r.workspace_id = k.w and r.id = k.i`,
    [ws, ids],
  );
  const records = new Map<string, StoredRecord>();
  for (const r of rows) records.set(`${r.workspace_id}\u0000${r.id}`, storedRecordOf(r));
  const teamsByWs = new Map<string, Set<string>>();
  for (const [key, rec] of records) {
    const w = key.slice(0, key.indexOf('\u0000'));
    let teams = teamsByWs.get(w);
    if (!teams) {
      teams = new Set(deps.sops.knownTeams(w));
      teamsByWs.set(w, teams);
    }
    if (rec.state.teamId) teams.add(rec.state.teamId);
    const sop = await deps.sops.get(w, rec.state.sopId, rec.state.sopVersion);
    for (const t of sop.teams) teams.add(t);
  }
  const rosters = new Map<string, BatchRoster>();
  for (const [w, teams] of teamsByWs) {
    const offset = queues.find((q) => q[0]?.workspaceId === w)?.[0]?.offsetMs ?? 0;
    // without open-record counts (a scan of each member's open records); a timer whose
    // decision may depend on them is decided again on a full roster (see planCommand)
    const roster = await loadRoster(db, w, [...teams], deps.clock.now() + offset, false);
    rosters.set(w, { roster, teams, counts: false });
  }
  return { records, rosters };
}

/**
 * Plans each record's timers in due order, each on the state the previous one left. A timer
 * the engine refuses is skipped; the rest of a queue whose planning fails or plans nothing
 * is left to be fired one by one.
 */
async function planBatch(env: FiringEnv, queues: Claimed[][]) {
  const { records, rosters } = await loadBatch(env, queues);
  const plans: Plan[] = [];
  const skips: Stmt[] = [];
  const oneByOne: Claimed[][] = [];
  for (const queue of queues) {
    const first = queue[0];
    if (!first) continue;
    let current = records.get(`${first.workspaceId}\u0000${first.recordId}`) ?? null;
    const r = rosters.get(first.workspaceId) ?? {
      roster: { teams: [] },
      teams: new Set<string>(),
      counts: true,
    };
    for (let i = 0; i < queue.length; i++) {
      const t = queue[i];
      if (!t) continue;
      let p: Plan;
      let handoffs: Plan[];
      try {
        const input = await commandFor(env, t);
        p = await planCommand(input, { ...r, stored: current });
        // a move whose action hands off starts the target record in the same batch
        handoffs = await planHandoffs(input, p);
      } catch (e) {
        if (e instanceof DomainError) {
          skips.push(skipStmt(t, env.processId, e.code));
          continue;
        }
        oneByOne.push(queue.slice(i));
        break;
      }
      if (p.planned.length === 0) {
        oneByOne.push(queue.slice(i));
        break;
      }
      plans.push(p, ...handoffs);
      trackAssignments(r.roster, p);
      current = p.after;
    }
  }
  return { plans, skips, oneByOne };
}

/**
 * Fires the timers of some records in ONE transaction: each record's timers in due order,
 * each stepped on the state the previous one left, all statements sent together. If the
 * transaction cannot commit (a guard missed because a user wrote the record meanwhile, or
 * any error), it is rolled back whole and the timers are fired one by one instead; each
 * timer's guard (claimed by this process) makes either way take effect exactly once.
 */
export async function fireBatch(env: FiringEnv, queues: Claimed[][]): Promise<void> {
  let oneByOne: Claimed[][] = [];
  try {
    const planned = await planBatch(env, queues);
    oneByOne = planned.oneByOne;
    // a miss (a user wrote a record meanwhile) rolled the whole batch back
    const committed = await commitPlans(env.deps, planned.plans, planned.skips);
    if (!committed.ok) oneByOne = queues;
  } catch (e) {
    console.error('timer batch failed; firing one by one', e);
    oneByOne = queues;
  }
  for (const queue of oneByOne) {
    for (const t of queue) {
      try {
        await fireOne(env, t);
      } catch (e) {
        // left claimed: the lease lapses and a later round retries it
        console.error(`timer ${t.id} failed`, e);
      }
    }
  }
}

/** A 公海 timer (record_id names a customer): fired in its own transaction. */
export async function firePool(env: FiringEnv, t: Claimed): Promise<void> {
  const kind = POOL_TIMER_KINDS.find((k) => k === t.kind);
  if (!kind) return;
  try {
    await firePoolTimer(
      env.deps.db,
      {
        workspaceId: t.workspaceId,
        id: t.id,
        customerId: t.recordId,
        kind,
        now: Math.max(env.deps.clock.now() + t.offsetMs, t.dueMs),
      },
      env.processId,
      await env.calendarOf(t.workspaceId),
    );
  } catch (e) {
    // left claimed: the lease lapses and a later round retries it
    console.error(`pool timer ${t.id} failed`, e);
  }
}

function isCalendar(v: unknown): v is Calendar {
  return (
    !!v &&
    typeof v === 'object' &&
    'utcOffsetMinutes' in v &&
    'workStart' in v &&
    'weekend' in v &&
    'holidays' in v
  );
}

/**
 * Carries a planned assignment into the batch's shared roster, so the next timer's
 * round-robin and weighted picks see it. (That roster has no open-record counts to adjust: a
 * decision that may depend on them is taken on a full roster, see planCommand. An import's
 * batch, which reads counts, adjusts them itself.)
 */
export function trackAssignments(roster: Roster, p: Plan) {
  for (const fx of p.effects) {
    if (fx.type !== 'assign' || !fx.teamId || fx.rrCursor === undefined) continue;
    const team = roster.teams.find((t) => t.id === fx.teamId);
    if (!team) continue;
    team.rrCursor = Math.max(team.rrCursor, fx.rrCursor);
    if (fx.userId) {
      team.assigned = { ...team.assigned, [fx.userId]: (team.assigned?.[fx.userId] ?? 0) + 1 };
    }
  }
}
