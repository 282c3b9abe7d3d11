/**
 * What the database tools (move, backup, restore) need to know about a live database: its
 * tables in foreign-key order, a checksum per table, whether it is empty. Works on PGlite and
 * on Postgres through one `Query` function; everything is read from pg_catalog, so a table
 * added by a later migration is covered without a change here.
 */
import type { Row } from '../client.ts';

export type Query = (text: string, params?: unknown[]) => Promise<Row[]>;

export type Table = { name: string; columns: string[] };

/** Quotes an identifier for SQL text. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A database URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * The base tables of schema `public`, parents before the tables whose foreign keys point at
 * them, each with its stored (not generated) columns in table order.
 */
export async function listTables(q: Query): Promise<Table[]> {
  const cols = await q(
    `select c.relname as t, a.attname as col
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`,
  );
  const byName = new Map<string, string[]>();
  for (const r of cols) {
    const t = String(r.t);
    const list = byName.get(t) ?? [];
    list.push(String(r.col));
    byName.set(t, list);
  }
  const fks = await q(
    `select c.relname as child, p.relname as parent
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
  );
  const parents = new Map<string, Set<string>>();
  for (const r of fks) {
    const set = parents.get(String(r.child)) ?? new Set<string>();
    set.add(String(r.parent));
    parents.set(String(r.child), set);
  }
  const ordered: Table[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`foreign keys form a cycle through table ${name}`);
    visiting.add(name);
    for (const p of parents.get(name) ?? []) if (byName.has(p)) visit(p);
    visiting.delete(name);
    done.add(name);
    ordered.push({ name, columns: byName.get(name) ?? [] });
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

export type Checksum = { rows: number; sum: string };

/**
 * Row count and an order-independent checksum of a table: the md5 of its rows' md5s (each
 * row as jsonb text), sorted bytewise. Equal on PGlite and Postgres for equal contents when
 * both sessions use the same time zone (timestamps render in it).
 */
export async function checksum(q: Query, table: string): Promise<Checksum> {
  const rows = await q(
    `select count(*)::int as n,
            coalesce(md5(string_agg(h, '' order by h collate "C")), '') as sum
       from (select md5(to_jsonb(t)::text) as h from ${ident(table)} t) s`,
  );
  return { rows: Number(rows[0]?.n ?? 0), sum: String(rows[0]?.sum ?? '') };
}

/** Relations (tables, views, sequences) outside the system schemas, as schema.name. */
export async function userRelations(q: Query): Promise<string[]> {
  const rows = await q(
    `select n.nspname as s, c.relname as r
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      order by 1, 2`,
  );
  return rows.map((r) => `${r.s}.${r.r}`);
}

/** The first table of `public` holding a row, or null when every table is empty. */
export async function firstNonEmptyTable(q: Query): Promise<string | null> {
  for (const t of await listTables(q)) {
    const r = await q(`select exists (select 1 from ${ident(t.name)}) as x`);
    if (r[0]?.x === true) return t.name;
  }
  return null;
}

/** Sequences of `public` with their last value (null: never used). */
export async function listSequences(q: Query): Promise<{ name: string; last: string | null }[]> {
  const rows = await q(
    `select sequencename as name, last_value::text as last
       from pg_sequences where schemaname = 'public' order by 1`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    last: r.last === null || r.last === undefined ? null : String(r.last),
  }));
}
