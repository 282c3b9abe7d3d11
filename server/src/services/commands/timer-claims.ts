/**
 * The scheduler's leases on timers: claiming due timers FOR UPDATE SKIP LOCKED, counting
 * those still due and handing this process's claims back. Due times are compared with the
 * database's now() (shifted by a workspace's test clock when the server runs with one).
 */
import type { Db, Stmt } from '../../db/client.ts';

/** A timer this process holds claimed. */
export type Claimed = {
  workspaceId: string;
  id: string;
  recordId: string;
  kind: string;
  dueMs: number;
  offsetMs: number;
};

const LEASE_SECONDS = 30;

/** The SQL of a due test: a workspace's test-clock offset and the instant timers are due by. */
export type DueSql = { offsetExpr: string; dueNow: string };

export function dueSql(testClock: boolean): DueSql {
  const offsetExpr = testClock
    ? `(select w.clock_offset_ms from workspaces w where w.id = t.workspace_id)`
    : '0';
  // the scheduler's due test: the database's now(), shifted by a workspace's test clock
  const dueNow = testClock ? `now() + ${offsetExpr} * interval '1 millisecond'` : 'now()';
  return { offsetExpr, dueNow };
}

/** Claims up to `limit` due timers (of one workspace if given) for `processId`, a lease each. */
export async function claimTimers(
  db: Db,
  { offsetExpr, dueNow }: DueSql,
  processId: string,
  limit: number,
  workspaceId?: string,
): Promise<Claimed[]> {
  const params: unknown[] = [processId, limit];
  let wsFilter = '';
  if (workspaceId) {
    params.push(workspaceId);
    wsFilter = 'and t.workspace_id = $3';
  }
  const rows = await db.query(
    `update timers u set status = 'claimed', claimed_by = $1,
            claimed_until = now() + interval '${LEASE_SECONDS} seconds'
       from (select t.workspace_id, t.id from timers t
              where t.status in ('pending', 'claimed')
                and (t.status = 'pending' or t.claimed_until < now())
                and t.due_at <= ${dueNow} ${wsFilter}
              order by t.due_at
              limit $2
              for update skip locked) d
      where u.workspace_id = d.workspace_id and u.id = d.id
      returning u.workspace_id, u.id, u.record_id, u.kind,
                (extract(epoch from u.due_at) * 1000)::float8 as due_ms,
                (${offsetExpr.replaceAll('t.workspace_id', 'u.workspace_id')})::float8 as offset_ms`,
    params,
  );
  return rows.map((r) => ({
    workspaceId: String(r.workspace_id),
    id: String(r.id),
    recordId: String(r.record_id),
    kind: String(r.kind),
    dueMs: Number(r.due_ms),
    offsetMs: Number(r.offset_ms) || 0,
  }));
}

/** How many timers of the workspace are due and not yet fired. */
export async function countDue(db: Db, { dueNow }: DueSql, workspaceId: string): Promise<number> {
  const rows = await db.query(
    `select count(*)::int as n from timers t
      where t.workspace_id = $1 and t.status in ('pending', 'claimed') and t.due_at <= ${dueNow}`,
    [workspaceId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Returns this process's claimed, unfired timers to pending; how many. */
export async function releaseClaims(db: Db, processId: string): Promise<number> {
  // a timer locked by a firing transaction still in flight is left to it (fired, or
  // rolled back and retried after the lease); any other claim goes back now. A firing
  // transaction checks `claimed_by` in its guard, so it cannot also fire a released timer
  const rows = await db.query(
    `update timers u set status = 'pending', claimed_by = null, claimed_until = null
       from (select workspace_id, id from timers
              where status = 'claimed' and claimed_by = $1
              for update skip locked) c
      where u.workspace_id = c.workspace_id and u.id = c.id
      returning u.id`,
    [processId],
  );
  return rows.length;
}

/** Marks a claimed timer done without effect (the engine says it no longer applies). */
export function skipStmt(t: Claimed, processId: string, note: string): Stmt {
  return {
    text: `update timers set status = $4, note = $5, fired_at = now()
            where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3`,
    params: [t.workspaceId, t.id, processId, 'skipped', note.slice(0, 200)],
  };
}

/**
 * One record's timers in due order (they chain on its version), then records cut into
 * slices of whole records of at least `minSize` timers, at most about `width` slices.
 */
export function sliceByRecord(claimed: Claimed[], width: number, minSize: number): Claimed[][][] {
  const byRecord = new Map<string, Claimed[]>();
  for (const t of claimed) {
    const k = `${t.workspaceId}\u0000${t.recordId}`;
    const list = byRecord.get(k);
    if (list) list.push(t);
    else byRecord.set(k, [t]);
  }
  const size = Math.max(minSize, Math.ceil(claimed.length / width));
  const batches: Claimed[][][] = [];
  let cur: Claimed[][] = [];
  let n = 0;
  for (const q of byRecord.values()) {
    cur.push(q);
    n += q.length;
    if (n >= size) {
      batches.push(cur);
      cur = [];
      n = 0;
    }
  }
  if (cur.length) batches.push(cur);
  return batches;
}
