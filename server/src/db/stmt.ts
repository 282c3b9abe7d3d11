/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

/** A statement with `$1`-style parameters. Pass strings, numbers, booleans, null or string[]. */
export type Stmt = { text: string; params: unknown[] };
