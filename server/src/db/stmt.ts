/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

/**
 * A statement with `$1`-style parameters. Pass strings, numbers, booleans, null or arrays.
 *
 * `rows` marks a row-shaped statement: every parameter is an array with one entry per row
 * (all of the same length), so statements with the same text merge into one by concatenating
 * each parameter (group commit does this across concurrent commands). With `keys` the
 * statement is a guard: it returns a column `k`, and row i passed when `keys[i]` comes back.
 * `shared` says the guard only reads (a `for share` check): other commands may name the same
 * key in the same transaction. `owns` names what else the statement writes under (a timer's
 * guard, its record): statements under one such key keep their order. `single` is the same
 * statement for its one row in plain form, cheaper to run when nothing is merged with it.
 */
export type Stmt = {
  text: string;
  params: unknown[];
  rows?: {
    keys?: readonly string[];
    shared?: boolean;
    owns?: readonly string[];
    single?: { text: string; params: unknown[] };
  };
};

/** What goes on the wire: a row-shaped statement's plain form when it has one. */
export function wireForm(stmt: Stmt): { text: string; params: unknown[] } {
  return stmt.rows?.single ?? stmt;
}
