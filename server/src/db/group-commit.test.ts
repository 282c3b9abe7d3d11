import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommitter } from './group-commit.ts';

const url = process.env.DATABASE_URL;

describe.runIf(!!url)('group commit on Postgres', () => {
  let sql: postgres.Sql;
  let other: postgres.Sql;
  const table = `gc_test_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    sql = postgres(url ?? '', { max: 4, onnotice: () => {} });
    other = postgres(url ?? '', { max: 1, onnotice: () => {} });
    await sql.unsafe(`create table ${table} (id int primary key, v text not null)`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop table if exists ${table}`);
    await sql.end();
    await other.end();
  });

  it('writes concurrent units in shared transactions; a failing unit fails alone, after COMMIT', async () => {
    const commit = groupCommitter(sql, { prepare: true });
    const insert = (id: number) => ({
      text: `insert into ${table} (id, v) values ($1, $2) returning id, txid_current()::text as tx`,
      params: [id, `row ${id}`],
    });
    const seenByOthers: number[] = [];
    const units = Array.from({ length: 40 }, (_, i) => {
      // 7: its check refuses it; 13: a unique violation (the same id as unit 12)
      const stmts = [insert(i === 13 ? 12 : i)];
      const check =
        i === 7
          ? () => {
              throw new Error('refused by its check');
            }
          : undefined;
      return commit(stmts, check).then(
        (rows) => ({ i, ok: true as const, tx: String(rows[0]?.[0]?.tx) }),
        async (e: unknown) => {
          // by the time a failed unit hears of it, the others' rows are committed
          const n = await other.unsafe(`select count(*)::int as n from ${table}`);
          seenByOthers.push(Number(n[0]?.n));
          return { i, ok: false as const, error: e instanceof Error ? e.message : String(e) };
        },
      );
    });
    const out = await Promise.all(units);
    const failed = out.filter((o) => !o.ok).map((o) => o.i);
    expect(failed).toEqual([7, 13]);
    expect(out.find((o) => o.i === 7)).toMatchObject({ error: 'refused by its check' });
    expect(out.find((o) => o.i === 13)).toMatchObject({
      error: expect.stringContaining('duplicate'),
    });
    const rows = await other.unsafe(`select id from ${table} order by id`);
    expect(rows.map((r) => r.id)).toEqual(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 7 && i !== 13),
    );
    // grouped: fewer transactions than units (the first goes alone, the rest wait for it)
    const txs = new Set(out.flatMap((o) => (o.ok ? [o.tx] : [])));
    expect(txs.size).toBeLessThan(38);
    expect(seenByOthers.every((n) => n > 0)).toBe(true);
  });
});
