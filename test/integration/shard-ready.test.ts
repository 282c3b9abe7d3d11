/**
 * Ready to shard by workspace: reads the live schema (pg_catalog) after the migrations and
 * checks that every tenant table's primary key, unique constraints and indexes, and foreign
 * keys (both ends) lead with workspace_id, so the tables can be distributed by workspace_id
 * (Citus) without a rewrite. A failure names the table and the constraint.
 */
import { createDb, migrateDb, parseConfig } from '@closeloop/server';
import { describe, expect, it } from 'vitest';
import { LANES } from './harness.ts';

/**
 * Global tables, deliberately not keyed by workspace (they stay on a Citus coordinator as
 * reference or local tables). Anything added here needs a reason.
 */
/** Keys that are global on purpose, each with its reason. */
const GLOBAL_KEYS: Record<string, string> = {
  // a public form link (/f/:key) names no workspace, so its key is unique across all of them;
  // on a distributed Postgres it becomes a small reference table key → workspace
  forms_key_uq: 'public form links are resolved before the workspace is known',
};

const GLOBAL_TABLES: Record<string, string> = {
  // the tenants themselves: the row IS the workspace (id is the distribution value)
  workspaces: 'one row per tenant',
  // failed sign-ins per e-mail hash, counted before any workspace is known
  login_attempts: 'sign-in throttling happens before the workspace is known',
};
// drizzle's migration journal lives in schema `drizzle`, not `public`, and is not checked

type Key = { table: string; name: string; kind: string; columns: string[]; refColumns: string[] };

describe.each(LANES.filter((l) => l.enabled))('shard-readiness on $name', (lane) => {
  it('every tenant table keys, uniques and foreign keys lead with workspace_id', async () => {
    const parsed = parseConfig({
      databaseUrl: lane.databaseUrl,
      dataDir: 'memory://',
      poolSize: '2',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const db = await createDb(parsed.config);
    try {
      await migrateDb(db, parsed.config);
      const tables = (
        await db.query(
          `select c.relname as t,
                  exists (select 1 from pg_attribute a where a.attrelid = c.oid
                           and a.attname = 'workspace_id' and not a.attisdropped) as has_ws
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
        )
      ).map((r) => ({ name: String(r.t), hasWs: r.has_ws === true }));
      // constraints (primary, unique, foreign) and unique indexes not backing a constraint
      const keys: Key[] = (
        await db.query(
          `select c.relname as t, k.conname as name,
                  case k.contype when 'p' then 'primary key' when 'u' then 'unique constraint'
                                 else 'foreign key' end as kind,
                  array(select a.attname::text from unnest(k.conkey) with ordinality u(n, o)
                          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n
                         order by u.o) as cols,
                  array(select a.attname::text from unnest(coalesce(k.confkey, '{}')) with ordinality u(n, o)
                          join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n
                         order by u.o) as refcols
             from pg_constraint k
             join pg_class c on c.oid = k.conrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and k.contype in ('p', 'u', 'f')
           union all
           select c.relname, i.relname, 'unique index',
                  array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality u(n, o)
                          join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n
                         order by u.o),
                  '{}'::text[]
             from pg_index x
             join pg_class i on i.oid = x.indexrelid
             join pg_class c on c.oid = x.indrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and x.indisunique
              and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)`,
        )
      ).map((r) => ({
        table: String(r.t),
        name: String(r.name),
        kind: String(r.kind),
        columns: toList(r.cols),
        refColumns: toList(r.refcols),
      }));

      const problems: string[] = [];
      for (const t of tables) {
        if (t.name in GLOBAL_TABLES) continue;
        if (!t.hasWs) {
          problems.push(
            `table ${t.name}: no workspace_id column (a tenant table needs one; or list it in GLOBAL_TABLES with a reason)`,
          );
          continue;
        }
        const own = keys.filter((k) => k.table === t.name);
        if (!own.some((k) => k.kind === 'primary key'))
          problems.push(`table ${t.name}: no primary key`);
        for (const k of own) {
          if (k.name in GLOBAL_KEYS) continue;
          if (k.columns[0] !== 'workspace_id') {
            problems.push(
              `table ${t.name}, ${k.kind} ${k.name} (${k.columns.join(', ')}): does not lead with workspace_id`,
            );
          }
          if (k.kind === 'foreign key' && k.refColumns[0] !== 'workspace_id') {
            problems.push(
              `table ${t.name}, foreign key ${k.name}: references (${k.refColumns.join(', ')}), not leading with workspace_id`,
            );
          }
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
      // the check saw the schema (not an empty catalog)
      expect(tables.length).toBeGreaterThan(10);
      expect(keys.filter((k) => k.kind === 'primary key').length).toBeGreaterThan(10);
    } finally {
      await db.close();
    }
  });
});

/** Postgres arrays arrive as arrays (postgres.js, PGlite) or as `{a,b}` text. */
function toList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  const s = String(v ?? '');
  return s
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}
