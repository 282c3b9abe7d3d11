import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client.ts';
import type { Check } from './group-commit.ts';
import type { Row, Stmt } from './stmt.ts';

const url = process.env.DATABASE_URL;

describe.runIf(!!url)('group commit on Postgres', () => {
  let db: Db;
  let sql: postgres.Sql;
  const t = `gc_${process.pid}_${Date.now().toString(36)}`;

  // a counter guarded by its version (a keyed write guard), an active flag read `for share`
  // (a shared guard) and a log row per unit stamped with its transaction
  const bump = (id: number, from: number): Stmt => ({
    text: `update ${t} c set v = c.v + 1 from unnest($1::int[], $2::int[]) as x(id, v)
            where c.id = x.id and c.v = x.v returning c.id::text as k`,
    params: [[id], [from]],
    rows: { keys: [String(id)] },
  });
  const active = (id: number): Stmt => ({
    text: `select c.id::text as k from unnest($1::int[]) as x(id) join ${t} c on c.id = x.id
            and c.active for share of c`,
    params: [[id]],
    rows: { keys: [String(id)], shared: true },
  });
  const log = (id: string, counter: number): Stmt => ({
    text: `insert into ${t}_log (id, counter, tx)
           select x.id, x.c, txid_current() from unnest($1::text[], $2::int[]) as x(id, c)`,
    params: [[id], [counter]],
    rows: {},
  });
  const guarded =
    (stmts: Stmt[]): Check =>
    (rows: Row[][]) => {
      stmts.forEach((s, i) => {
        if (s.rows?.keys && rows[i]?.length !== 1) throw new Error(`guard ${i} missed`);
      });
    };

  beforeAll(async () => {
    sql = postgres(url ?? '', { max: 2, onnotice: () => {} });
    await sql.unsafe(
      `create table ${t} (id int primary key, v int not null default 0, active boolean not null default true)`,
    );
    await sql.unsafe(`create table ${t}_log (id text primary key, counter int, tx bigint)`);
    await sql.unsafe(
      `insert into ${t} (id, active) select g, g <> 99 from generate_series(0, 99) g`,
    );
    db = await createDb({ databaseUrl: url, dataDir: 'memory://', poolSize: 4, groupCommit: true });
  });
  afterAll(async () => {
    await db?.close();
    await sql.unsafe(`drop table if exists ${t}, ${t}_log`);
    await sql.end();
  });

  const attempt = (stmts: Stmt[]) =>
    db.batch(stmts, guarded(stmts), { merge: true }).then(
      () => 'ok',
      (e: unknown) => (e instanceof Error ? e.message : 'error'),
    );

  it('writes concurrent units in shared transactions; a stale unit fails alone', async () => {
    // 7 expects a version the counter does not have
    const out = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt([bump(i, i === 7 ? 5 : 0), log(`u${i}`, i)])),
    );
    expect(out.flatMap((o, i) => (o === 'ok' ? [] : [[i, o]]))).toEqual([[7, 'guard 0 missed']]);
    const counters = await sql.unsafe(`select v from ${t} where id < 40 order by id`);
    expect(counters.map((r) => r.v)).toEqual(
      Array.from({ length: 40 }, (_, i) => (i === 7 ? 0 : 1)),
    );
    const logs = await sql.unsafe(`select counter, tx from ${t}_log where id like 'u%'`);
    expect(logs.map((r) => r.counter).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 7),
    );
    // grouped: far fewer transactions than units (the first goes alone, the rest wait)
    expect(new Set(logs.map((r) => String(r.tx))).size).toBeLessThan(10);
  });

  it('after a statement error writes each unit of the group alone: only the failing one fails', async () => {
    // 72 writes a log id that exists: a unique violation, found only once its group writes
    await sql.unsafe(`insert into ${t}_log (id, counter) values ('taken', -1)`);
    const out = await Promise.all(
      [70, 71, 72, 73].map((i) => attempt([bump(i, 0), log(i === 72 ? 'taken' : `e${i}`, i)])),
    );
    expect(out.slice(0, 2)).toEqual(['ok', 'ok']);
    expect(out[2]).toContain('duplicate');
    expect(out[3]).toBe('ok');
    const v = await sql.unsafe(`select v from ${t} where id between 70 and 73 order by id`);
    expect(v.map((r) => r.v)).toEqual([1, 1, 0, 1]);
  });

  it('undoes the guard a failed unit had written, and writes the others', async () => {
    // 99 is inactive: unit 99's counter update passes, its active check does not
    const units = [40, 41, 99, 42].map((id) => {
      const stmts = [active(id), bump(id, 0), log(`d${id}`, id)];
      return db.batch(stmts, guarded(stmts), { merge: true }).then(
        () => 'ok',
        (e: unknown) => (e instanceof Error ? e.message : 'error'),
      );
    });
    expect(await Promise.all(units)).toEqual(['ok', 'ok', 'guard 0 missed', 'ok']);
    const v = await sql.unsafe(`select id, v from ${t} where id in (40, 41, 42, 99) order by id`);
    expect(v.map((r) => [r.id, r.v])).toEqual([
      [40, 1],
      [41, 1],
      [42, 1],
      [99, 0],
    ]);
    expect(await sql.unsafe(`select 1 from ${t}_log where id = 'd99'`)).toHaveLength(0);
  });

  it('never puts two writes under one key in a group: they commit one after the other', async () => {
    const stmts = (from: number) => [bump(50, from), log(`k${from}`, 50)];
    const out = await Promise.all(
      [0, 1, 2, 3].map((from) =>
        db.batch(stmts(from), guarded(stmts(from)), { merge: true }).then(
          () => 'ok',
          () => 'missed',
        ),
      ),
    );
    expect(out).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect((await sql.unsafe(`select v from ${t} where id = 50`))[0]?.v).toBe(4);
  });

  it('sends a statement that is not row-shaped as it is; a batch without merge goes alone', async () => {
    const plain: Stmt = { text: `update ${t} set active = $2 where id = $1`, params: [60, false] };
    const stmts = [bump(60, 0), plain];
    expect(await attempt(stmts)).toBe('ok');
    const after = await db.batch([
      { text: `select v, active from ${t} where id = $1`, params: [60] },
    ]);
    expect(after).toEqual([[{ v: 1, active: false }]]);
  });
});
