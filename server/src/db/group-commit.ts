/**
 * Group commit (Postgres): concurrent `batch` calls (those that say `merge`) are written
 * together in one transaction, their row-shaped statements (see `Stmt.rows`) of the same text
 * merged into one multi-row statement (merge.ts), so N concurrent commands cost a dozen
 * statements, two round trips and one COMMIT (one WAL flush) instead of N of each.
 *
 *   BEGIN; <every guard, merged by text>                  (one round trip)
 *   each unit's check sees its own guards' rows (the rows whose `k` is one of its keys)
 *   <every other statement of the units that passed, merged by text>; COMMIT   (the second)
 *
 * One stale or failing command never fails the others:
 * - a unit whose guard missed (a version guard matching no row, an owner no longer active)
 *   gets its check's error and none of its other statements is sent; if one of its guards
 *   had already written (its record update passed, its owner check did not), the whole
 *   transaction is rolled back and the other units go again in the next group;
 * - any statement error (a unique violation, a deadlock with the other group in flight) rolls
 *   the group back, and each of its units is then written alone, in a transaction of its own,
 *   where it gets its own outcome exactly as without grouping.
 * Nobody hears back before COMMIT, or before the ROLLBACK that decided its fate.
 *
 * A group holds at most `maxUnits` units and never two that write under the same guard key
 * (two commands on one record): the later waits for the next group, which also keeps its
 * order. The first call goes out at once (no waiting window); the calls that arrive while the
 * groups in flight (two: one backend works on one core) are busy form the next one, so the
 * group grows with the load. A statement that is not row-shaped is sent as it is, among the
 * second round trip's. A batch without `merge`, or one whose order a group could change (see
 * `groupable`), is written alone at once, as without grouping.
 */
import type postgres from 'postgres';
import { type Merged, mergeStmts, ownedKeys, rowsFor } from './merge.ts';
import { type Row, type Stmt, wireForm } from './stmt.ts';

export type Check = (results: Row[][]) => void;

type Unit = {
  stmts: Stmt[];
  check?: Check;
  /** The keys of its writing guards: no other unit of its group may write under them. */
  owns: string[];
  resolve: (rows: Row[][]) => void;
  reject: (e: unknown) => void;
};

export type GroupCommit = (stmts: Stmt[], check?: Check) => Promise<Row[][]>;

const toRows = (r: unknown) => (Array.isArray(r) ? (r as Row[]) : []);

/**
 * Whether a group keeps the batch's meaning although it sends all guards first and merges by
 * text: no key written twice (two commands on one record in one batch) and no statement that
 * is not row-shaped before a guard.
 */
function groupable(stmts: readonly Stmt[], owns: readonly string[]): boolean {
  if (new Set(owns).size !== owns.length) return false;
  let guardsLeft = stmts.filter((s) => s.rows?.keys).length;
  for (const s of stmts) {
    if (s.rows?.keys) guardsLeft--;
    else if (!s.rows && guardsLeft > 0) return false;
  }
  return true;
}

export function groupCommitter(
  sql: postgres.Sql,
  opts: {
    prepare: boolean;
    /** Writes one batch in a transaction of its own (the path without grouping). */
    alone: (stmts: Stmt[], check?: Check) => Promise<Row[][]>;
    maxUnits?: number;
    inFlight?: number;
  },
): GroupCommit {
  const maxUnits = opts.maxUnits ?? 64;
  // one group executes on one backend: a second in flight keeps a second core busy
  const inFlight = opts.inFlight ?? 2;
  const P = { prepare: opts.prepare };
  const queue: Unit[] = [];
  let running = 0;
  /** The keys written by the groups in flight. */
  const busy = new Set<string>();

  /**
   * The next group: units in arrival order, up to the limit, none writing under a key that
   * another unit of the group or a group in flight writes under (those wait their turn).
   */
  const take = (): Unit[] => {
    const out: Unit[] = [];
    for (let i = 0; i < queue.length && out.length < maxUnits; ) {
      const u = queue[i] as Unit;
      if (u.owns.some((k) => busy.has(k))) {
        i++;
        continue;
      }
      for (const k of u.owns) busy.add(k);
      out.push(u);
      queue.splice(i, 1);
    }
    return out;
  };

  async function drain() {
    running++;
    try {
      for (let group = take(); group.length; group = take()) {
        try {
          await run(group);
        } finally {
          for (const u of group) for (const k of u.owns) busy.delete(k);
        }
      }
    } finally {
      running--;
    }
    kick();
  }

  const ready = (u: Unit) => !u.owns.some((k) => busy.has(k));
  const kick = () => {
    if (running < inFlight && queue.some(ready)) void drain();
  };

  /**
   * Each unit alone, in a transaction of its own and in arrival order: its own outcome, as
   * without grouping (of two units that collide, the earlier wins).
   */
  const eachAlone = async (units: Unit[]) => {
    for (const u of units) await opts.alone(u.stmts, u.check).then(u.resolve, u.reject);
  };

  async function run(units: Unit[]) {
    let c: postgres.ReservedSql;
    try {
      c = await sql.reserve();
    } catch (e) {
      for (const u of units) u.reject(e);
      return;
    }
    let outcome: 'committed' | 'again' | 'alone';
    const passed: Unit[] = [];
    const failed = new Map<Unit, unknown>();
    const results = new Map<Unit, Row[][]>();
    try {
      outcome = await attempt(c, P, units, passed, failed, results);
    } catch {
      await c.unsafe('rollback').catch(() => {});
      outcome = 'alone';
    } finally {
      c.release();
    }
    for (const [u, e] of failed) u.reject(e);
    if (outcome === 'committed') {
      for (const u of passed) u.resolve(results.get(u) ?? []);
    } else if (outcome === 'again') {
      queue.unshift(...passed);
      kick();
    } else {
      await eachAlone(units.filter((u) => !failed.has(u)));
    }
  }

  return (stmts, check) => {
    const owns = stmts.flatMap(ownedKeys);
    if (!groupable(stmts, owns)) return opts.alone(stmts, check);
    return new Promise<Row[][]>((resolve, reject) => {
      queue.push({ stmts, check, owns, resolve, reject });
      kick();
    });
  };
}

const send = (c: postgres.ReservedSql, P: { prepare: boolean }, m: Merged<Unit>) => {
  const w = wireForm(m.stmt);
  return c.unsafe(w.text, w.params as never[], P).execute();
};

/** One transaction for the group; fills `passed`, `failed` and each unit's `results`. */
async function attempt(
  c: postgres.ReservedSql,
  P: { prepare: boolean },
  units: Unit[],
  passed: Unit[],
  failed: Map<Unit, unknown>,
  results: Map<Unit, Row[][]>,
): Promise<'committed' | 'again'> {
  const parts = units.flatMap((tag) => tag.stmts.map((stmt, at) => ({ tag, at, stmt })));
  const guards = mergeStmts(parts.filter((p) => p.stmt.rows?.keys));
  const begin = c.unsafe('begin').execute();
  const sent = guards.map((m) => send(c, P, m));
  for (const q of [begin, ...sent]) q.catch(() => {});
  await begin;
  const guardRows = await Promise.all(sent);
  // each unit's view of its guards: the rows whose key is one of its own
  for (const u of units)
    results.set(
      u,
      u.stmts.map(() => []),
    );
  let dirty = false;
  guards.forEach((m, i) => {
    const rows = toRows(guardRows[i]);
    for (const { tag, at } of m.from) {
      const mine = results.get(tag);
      if (mine) mine[at] = rowsFor(rows, tag.stmts[at]?.rows?.keys);
    }
  });
  for (const u of units) {
    try {
      u.check?.(results.get(u) ?? []);
      passed.push(u);
    } catch (e) {
      failed.set(u, e);
      // a guard of the failed unit that wrote (its record update passed) must be undone
      dirty ||= u.stmts.some(
        (s, at) => s.rows?.keys && !s.rows.shared && (results.get(u)?.[at]?.length ?? 0) > 0,
      );
    }
  }
  if (dirty) {
    await c.unsafe('rollback');
    return 'again';
  }
  const keep = new Set(passed);
  const rest = mergeStmts(parts.filter((p) => !p.stmt.rows?.keys && keep.has(p.tag)));
  const writes = rest.map((m) => send(c, P, m));
  const commit = c.unsafe('commit').execute();
  for (const q of [...writes, commit]) q.catch(() => {});
  // a failed write aborts the transaction: COMMIT then rolls back, and the throw sends the
  // units to be written alone
  await Promise.all(writes);
  await commit;
  return 'committed';
}
