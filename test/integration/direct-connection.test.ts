/**
 * DIRECT_DATABASE_URL (for deployments where DATABASE_URL goes through PgBouncer in
 * transaction mode): LISTEN runs on the direct connection, and a NOTIFY sent by a command
 * through the pool still reaches it.
 */
import { createDb, LIVE_CHANNEL, parseConfig } from '@closeloop/server';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { LANES } from './harness.ts';

const pg = LANES.find((l) => l.name === 'postgres');

describe.runIf(pg?.enabled === true)('DIRECT_DATABASE_URL on Postgres', () => {
  const url = pg?.databaseUrl ?? '';
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  afterAll(async () => {
    await sql.end({ timeout: 5 });
  });

  it('listens on the direct connection, not the pool, and hears notifies sent through the pool', async () => {
    const name = `cl-direct-${crypto.randomUUID().slice(0, 6)}`;
    const direct = new URL(url);
    direct.searchParams.set('application_name', name);
    const parsed = parseConfig({
      databaseUrl: url,
      directDatabaseUrl: direct.toString(),
      dataDir: 'memory://',
      poolSize: '2',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    expect(parsed.config.directDatabaseUrl).toBe(direct.toString());
    const db = await createDb(parsed.config);
    try {
      const heard: string[] = [];
      const off = await db.listen(LIVE_CHANNEL, (p) => heard.push(p));
      const listeners =
        await sql`select query from pg_stat_activity where application_name = ${name}`;
      expect(listeners.map((r) => String(r.query).toLowerCase())).toEqual([
        expect.stringContaining('listen'),
      ]);
      await db.query('select pg_notify($1, $2)', [LIVE_CHANNEL, name]);
      const until = Date.now() + 5000;
      while (!heard.includes(name) && Date.now() < until) await Bun.sleep(20);
      expect(heard).toContain(name);
      await off();
    } finally {
      await db.close();
    }
    const left = await sql`select 1 from pg_stat_activity where application_name = ${name}`;
    expect(left.length).toBe(0);
  });

  it('rejects a DIRECT_DATABASE_URL that is not a postgres URL, naming the variable', () => {
    const parsed = parseConfig({ databaseUrl: url, directDatabaseUrl: 'mysql://x' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join()).toContain('DIRECT_DATABASE_URL');
  });
});
