// dev helper (not a benchmark): EXPLAIN ANALYZE of one report's statements on the bench data
import { createApp } from '../../server/src/app.ts';
import { parseConfig } from '../../server/src/config.ts';
import { createDb } from '../../server/src/db/client.ts';
import * as reports from '../../server/src/services/reports/index.ts';
import { loadUserInfo } from '../../server/src/services/sessions.ts';
const parsed = parseConfig({ databaseUrl: process.env.DATABASE_URL, schedulerIntervalMs: 0, seed: 'off' });
if (!parsed.ok) throw new Error('config');
const db = await createDb(parsed.config);
const app = createApp({ db, clock: { now: () => Date.now() }, config: parsed.config });
const rows = await db.query("select id from users where workspace_id = 'bench' and email = 'admin@bench.test'");
const info = await loadUserInfo(db, 'bench', String(rows[0]?.id), false);
if (!info) throw new Error('user');
const orig = db.transaction.bind(db);
db.transaction = (fn) => orig(async (q) => fn(async (text, params) => {
  if (text.startsWith('select set_config')) return q(text, params);
  const plan = await q(`explain (analyze, buffers, costs off) ${text}`, params);
  console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
  return q(text, params);
})) as typeof db.transaction;
const ctx = { ...app.deps, user: info.user, now: Date.now(), calendar: info.calendar, clockOffsetMs: 0 };
const name = process.argv[2] ?? 'getFunnel';
const fn = (reports as Record<string, unknown>)[name] as (a: unknown) => Promise<unknown>;
await fn({ ctx, input: { sopId: 'inbound-bench' } });
await db.close();
process.exit(0);
