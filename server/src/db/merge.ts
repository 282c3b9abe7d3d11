/**
 * Merging row-shaped statements (see `Stmt.rows`): statements of the same text become one,
 * each parameter the concatenation of theirs. Group commit merges concurrent commands'
 * statements this way; `mergeBatch` merges the statements of one transaction (a scheduler
 * batch of many records).
 */
import type { Row, Stmt } from './stmt.ts';

/** One statement as sent and the places it came from (a tag and an index each). */
export type Merged<T> = { stmt: Stmt; from: Array<{ tag: T; at: number }> };

/**
 * Row-shaped statements of the same text merged into one, in order of first appearance; a
 * statement that is not row-shaped stays as it is, in its place.
 */
export function mergeStmts<T>(
  parts: ReadonlyArray<{ tag: T; at: number; stmt: Stmt }>,
): Merged<T>[] {
  type Open = Merged<T> & { params: unknown[][]; keys: string[]; owns: string[] };
  const out: Array<Merged<T> | Open> = [];
  const byText = new Map<string, Open>();
  for (const { tag, at, stmt } of parts) {
    if (!stmt.rows) {
      out.push({ stmt, from: [{ tag, at }] });
      continue;
    }
    let m = byText.get(stmt.text);
    if (!m) {
      m = { stmt, from: [], params: stmt.params.map(() => []), keys: [], owns: [] };
      byText.set(stmt.text, m);
      out.push(m);
    }
    const params = m.params;
    stmt.params.forEach((p, i) => {
      if (!Array.isArray(p)) {
        throw new Error(`row-shaped statement with a scalar parameter $${i + 1}`);
      }
      params[i]?.push(...p);
    });
    m.keys.push(...(stmt.rows.keys ?? []));
    m.owns.push(...(stmt.rows.owns ?? []));
    m.from.push({ tag, at });
  }
  return out.map((m) => {
    // alone in its slot: the statement as given (with its plain form, if it has one)
    if (!('params' in m) || m.from.length === 1) return { stmt: m.stmt, from: m.from };
    const { text, rows } = m.stmt;
    const merged: Stmt = {
      text,
      params: m.params,
      rows: rows?.keys ? { keys: m.keys, shared: rows.shared, owns: m.owns } : {},
    };
    return { stmt: merged, from: m.from };
  });
}

/** The keys a statement writes under: its guard's keys (unless it only reads) and `owns`. */
export function ownedKeys(stmt: Stmt): readonly string[] {
  const keys = stmt.rows?.keys && !stmt.rows.shared ? stmt.rows.keys : [];
  const owns = stmt.rows?.owns ?? [];
  return owns.length ? [...keys, ...owns] : keys;
}

/** The rows of a keyed statement that answer `keys` (a merged guard's share of its rows). */
export function rowsFor(rows: readonly Row[], keys: readonly string[] = []): Row[] {
  const back = new Set(rows.map((r) => String(r.k)));
  return keys.filter((k) => back.has(k)).map((k) => ({ k }));
}

/**
 * The statements of one transaction with its row-shaped statements merged, and `view`, which
 * turns the merged statements' rows back into one list a statement given (a keyed guard gets
 * the rows of its own keys; a merged statement without keys gets `[]`; a statement left
 * alone its own rows).
 *
 * Order is kept where it can matter: a statement that is not row-shaped is a barrier
 * (nothing moves across it), and so is a statement writing under a key already written
 * since the last barrier (a second command on the same record: see `ownedKeys`). Between barriers the keyed guards go
 * first, then the rest, each merged by text.
 */
export function mergeBatch(stmts: readonly Stmt[]): {
  stmts: Stmt[];
  view: (rows: Row[][]) => Row[][];
} {
  const merged: Merged<null>[] = [];
  let run: Array<{ tag: null; at: number; stmt: Stmt }> = [];
  let owned = new Set<string>();
  const flush = () => {
    merged.push(
      ...mergeStmts(run.filter((p) => p.stmt.rows?.keys)),
      ...mergeStmts(run.filter((p) => !p.stmt.rows?.keys)),
    );
    run = [];
    owned = new Set();
  };
  stmts.forEach((stmt, at) => {
    if (!stmt.rows) {
      flush();
      merged.push({ stmt, from: [{ tag: null, at }] });
      return;
    }
    const owns = ownedKeys(stmt);
    if (owns.some((k) => owned.has(k))) flush();
    for (const k of owns) owned.add(k);
    run.push({ tag: null, at, stmt });
  });
  flush();
  return {
    stmts: merged.map((m) => m.stmt),
    view(rows) {
      const out: Row[][] = stmts.map(() => []);
      merged.forEach((m, i) => {
        const got = rows[i] ?? [];
        for (const { at } of m.from) {
          const own = stmts[at];
          if (m.from.length === 1) out[at] = got;
          else if (own?.rows?.keys) out[at] = rowsFor(got, own.rows.keys);
        }
      });
      return out;
    },
  };
}
