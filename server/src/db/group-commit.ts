/**
 * Group commit (Postgres): `batch` calls that arrive while a transaction is in flight are
 * written together in the next one, each in a savepoint of its own, so N concurrent commands
 * cost two round trips and one COMMIT (one WAL flush) instead of N of each.
 *
 *   BEGIN; SAVEPOINT u0; <unit 0>; SAVEPOINT u1; <unit 1>; …   (pipelined: one round trip)
 *   then the units are read in order: each unit's rows go to its own `check`
 *   COMMIT                                                     (the second round trip)
 *
 * A unit whose statement fails (a unique violation, say) or whose check throws (a version
 * guard that matched no row) gets its own error; ROLLBACK TO SAVEPOINT undoes it and every
 * unit sent after it, and those are sent again in the same transaction. So one stale or
 * failing command never fails the others, and nobody hears back before COMMIT — not even a
 * failed unit, whose caller may next read what the others wrote (a concurrent copy's stored
 * answer under the same Idempotency-Key).
 *
 * The first call goes out at once (no waiting window); the calls that arrive while the
 * transactions in flight (two: one backend works on one core) are busy form the next one —
 * the batch grows with the load. Two groups may deadlock on rows both touch; the unit Postgres
 * picks is sent again in a later group (up to three times) rather than failed. A group holds
 * at most `maxUnits` units (Postgres keeps 64 subtransactions per transaction in shared
 * memory; more would slow every snapshot) and about `maxStatements` statements; a larger
 * unit goes alone. An error outside any unit (the connection dropped, COMMIT refused) fails
 * every unit still waiting for its answer.
 */
import type postgres from 'postgres';
import type { Row, Stmt } from './stmt.ts';

type Unit = {
  stmts: Stmt[];
  /** Times it was sent again after a deadlock with another group. */
  retries: number;
  check?: (results: Row[][]) => void;
  resolve: (rows: Row[][]) => void;
  reject: (e: unknown) => void;
};

export type GroupCommit = (stmts: Stmt[], check?: (results: Row[][]) => void) => Promise<Row[][]>;

const toRows = (r: unknown) => (Array.isArray(r) ? (r as Row[]) : []);

const isDeadlock = (e: unknown) =>
  !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === '40P01';

export function groupCommitter(
  sql: postgres.Sql,
  opts: { prepare: boolean; maxUnits?: number; maxStatements?: number; inFlight?: number },
): GroupCommit {
  const maxUnits = opts.maxUnits ?? 48;
  const maxStatements = opts.maxStatements ?? 600;
  // one group executes on one backend: a second in flight keeps a second core busy
  const inFlight = opts.inFlight ?? 2;
  const P = { prepare: opts.prepare };
  const queue: Unit[] = [];
  let running = 0;

  /** The next group: units in arrival order, up to the limits (at least one). */
  const take = (): Unit[] => {
    const out: Unit[] = [];
    let n = 0;
    while (queue.length && out.length < maxUnits) {
      const next = queue[0];
      if (!next) break;
      if (out.length && n + next.stmts.length > maxStatements) break;
      out.push(next);
      n += next.stmts.length;
      queue.shift();
    }
    return out;
  };

  async function drain() {
    running++;
    try {
      for (let group = take(); group.length; group = take()) await run(group);
    } finally {
      running--;
    }
  }

  const kick = () => {
    if (running < inFlight && queue.length) void drain();
  };

  async function run(units: Unit[]) {
    const kept: Array<[Unit, Row[][]]> = [];
    // a failed unit hears of it after COMMIT too: what it may read next (the stored answer
    // of a concurrent copy with its Idempotency-Key, the record as it now is) has committed
    const failed = new Map<Unit, unknown>();
    let c: postgres.ReservedSql;
    try {
      c = await sql.reserve();
    } catch (e) {
      for (const u of units) u.reject(e);
      return;
    }
    try {
      let pending = units.map((u, i) => ({ u, sp: `u${i}` }));
      let first = true;
      while (pending.length) {
        const begin = first ? c.unsafe('begin').execute() : null;
        first = false;
        const sent = pending.map((p) => ({
          p,
          savepoint: c.unsafe(`savepoint ${p.sp}`).execute(),
          stmts: p.u.stmts.map((s) => c.unsafe(s.text, s.params as never[], P).execute()),
        }));
        const all = [begin, ...sent.flatMap((s) => [s.savepoint, ...s.stmts])].filter(
          (q): q is NonNullable<typeof q> => q !== null,
        );
        // after a failed statement the rest fail too (the transaction is aborted until the
        // rollback to a savepoint): those failures are expected, never unhandled
        for (const q of all) q.catch(() => {});
        if (begin) await begin;
        let at = -1;
        let error: unknown;
        for (const [k, s] of sent.entries()) {
          try {
            await s.savepoint;
            const rows = (await Promise.all(s.stmts)).map(toRows);
            s.p.u.check?.(rows);
            kept.push([s.p.u, rows]);
          } catch (e) {
            at = k;
            error = e;
            break;
          }
        }
        if (at < 0) break;
        await Promise.allSettled(all);
        const bad = sent[at]?.p;
        if (!bad) break;
        // undo the failed unit and everything sent after it; those go again
        await c.unsafe(`rollback to savepoint ${bad.sp}`);
        failed.set(bad.u, error);
        pending = sent.slice(at + 1).map((s) => s.p);
      }
      await c.unsafe('commit');
    } catch (e) {
      await c.unsafe('rollback').catch(() => {});
      c.release();
      for (const u of units) u.reject(failed.get(u) ?? e);
      return;
    }
    c.release();
    for (const [u, rows] of kept) u.resolve(rows);
    for (const [u, e] of failed) {
      // two groups in flight may deadlock on rows both touch: the unit Postgres chose goes
      // into a later group instead of failing (nothing of it was kept)
      if (isDeadlock(e) && u.retries < 3) {
        u.retries++;
        queue.unshift(u);
        kick();
      } else u.reject(e);
    }
  }

  return (stmts, check) =>
    new Promise<Row[][]>((resolve, reject) => {
      queue.push({ stmts, check, resolve, reject, retries: 0 });
      kick();
    });
}
