/**
 * Makes the reports benchmark's data set on Postgres (DATABASE_URL): by default 1,000,000
 * records and about ten million events over 1,000 days, in a workspace of its own
 * (`bench`), on the library's inbound-web-lead SOP (versions 1 and 2, for A/B).
 *
 * Everything is generated inside Postgres with generate_series and set-based INSERT …
 * SELECT (no row-by-row inserts), seeded so each run makes the same data. Events are
 * inserted in time order, as a live system appends them. Runs again only when the data set
 * is missing or has a different size.
 *
 *   DATABASE_URL=postgres://… bun test/bench/generate-events.ts [--records 1000000] [--force]
 *   BENCH_RECORDS=200000 bun run bench generate
 */
import { chinaCalendar, parseSop, type SopDocument } from '@closeloop/engine';
import postgres from 'postgres';
import { createDb } from '../../server/src/db/client.ts';
import { migrateDb } from '../../server/src/db/migrate.ts';
import { createWorkspace } from '../../server/src/services/people/create-workspace.ts';
import { calendarSql, DAY_MS, Params } from '../../server/src/services/reports/scope.ts';
import { docHash } from '../../server/src/services/sops/sop-common.ts';
import inbound from '../../sop-library/templates/inbound-web-lead.json' with { type: 'json' };
import { BENCH_SOP, BENCH_WS, benchRecords } from './_bench-data.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.log('generate-events: DATABASE_URL is not set; skipped (Postgres only).');
  process.exit(0);
}
const args = process.argv.slice(2);
const force = args.includes('--force');
const records = benchRecords(args);
const SPAN_DAYS = 1000;
const TEAMS = 4;
const REPS_PER_TEAM = 10;

const sql = postgres(url, { max: 1, onnotice: () => {} });
const started = performance.now();
const lap = (what: string) =>
  console.log(`  ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

async function existing(): Promise<{ records: number; events: number } | null> {
  const ws = await sql`select 1 from workspaces where id = ${BENCH_WS}`;
  if (ws.length === 0) return null;
  const [r] = await sql`select count(*)::int as n from records where workspace_id = ${BENCH_WS}`;
  const [e] =
    await sql`select count(*)::int as n from record_events where workspace_id = ${BENCH_WS}`;
  return { records: Number(r?.n ?? 0), events: Number(e?.n ?? 0) };
}

async function wipe() {
  for (const table of [
    'stage_visits',
    'record_events',
    'records',
    'timers',
    'sop_versions',
    'sops',
    'memberships',
    'sessions',
    'users',
    'teams',
  ]) {
    await sql.unsafe(`delete from ${table} where workspace_id = $1`, [BENCH_WS]);
  }
  await sql`delete from workspaces where id = ${BENCH_WS}`;
}

const db = await createDb({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
await migrateDb(db, { databaseUrl: url, dataDir: 'memory://' });
const have = await existing();
if (have && have.records === records && !force) {
  console.log(
    `generate-events: workspace "${BENCH_WS}" already holds ${have.records.toLocaleString()} records and ${have.events.toLocaleString()} events; skipped (--force regenerates).`,
  );
  await db.close();
  await sql.end();
  process.exit(0);
}
console.log(
  `generate-events: ${records.toLocaleString()} records over ${SPAN_DAYS} days on ${url.replace(/\/\/[^@]*@/, '//…@')}`,
);
if (have) {
  await wipe();
  lap('old data set removed');
}

// people and teams: 4 teams of 10 reps, a manager each, one admin
const reps: string[] = [];
const teams = Array.from({ length: TEAMS }, (_, t) => {
  const members = Array.from({ length: REPS_PER_TEAM }, (_, i) => {
    const email = `rep${t + 1}-${i + 1}@bench.test`;
    reps.push(email);
    return email;
  });
  return {
    id: `team-${t + 1}`,
    name: `销售${t + 1}组`,
    managers: [`manager${t + 1}@bench.test`],
    members,
  };
});
const ws = await createWorkspace(db, {
  id: BENCH_WS,
  name: 'Benchmark Co.',
  users: [
    { email: 'admin@bench.test', name: '管理员', role: 'admin', password: 'bench1234' },
    ...teams.map((t, i) => ({
      email: t.managers[0] ?? '',
      name: `主管${i + 1}`,
      role: 'manager' as const,
      password: 'bench1234',
    })),
    ...reps.map((email, i) => ({
      email,
      name: `销售${i + 1}`,
      role: 'rep' as const,
      password: 'bench1234',
    })),
  ],
  teams,
});
const repIds = reps.map((e) => ws.users[e]?.id ?? '');
lap('workspace, 45 users, 4 teams');

// the SOP, published twice (v2 is what records created in the last 500 days run on)
const parsed = parseSop(inbound);
if (!parsed.ok) throw new Error('inbound-web-lead does not parse');
const base: SopDocument = { ...parsed.doc, id: BENCH_SOP };
for (const version of [1, 2]) {
  const doc = { ...base, version };
  await sql`insert into sop_versions (workspace_id, sop_id, version, doc, note, hash)
            values (${BENCH_WS}, ${BENCH_SOP}, ${version}, ${sql.json(doc as never)}, ${`v${version}`},
                    ${docHash(doc)})`;
}
await sql`insert into sops (workspace_id, id, name, draft, published_version)
          values (${BENCH_WS}, ${BENCH_SOP}, ${sql.json(base.name as never)}, ${sql.json({ ...base, version: 2 } as never)}, 2)`;
lap('SOP published as versions 1 and 2');

/*
 * Paths through the SOP with their weights (of 88), outcomes and the actions taken.
 * A record follows its path; each stage visit lasts a random time of the stage's scale;
 * visits that would start after now are cut, so recent records are open where they are.
 */
const PATHS = [
  [
    14,
    ['newLead', 'qualifying', 'meetingBooked', 'converted'],
    ['CONNECTED', 'BOOK_MEETING', 'MEETING_HELD'],
    'won',
    false,
  ],
  [
    4,
    ['newLead', 'retrying', 'qualifying', 'meetingBooked', 'converted'],
    ['NOT_REACHED', 'CONNECTED', 'BOOK_MEETING', 'MEETING_HELD'],
    'won',
    false,
  ],
  [14, ['newLead', 'qualifying', 'toMarketing'], ['CONNECTED', 'TO_MARKETING'], 'done', false],
  [18, ['newLead', 'disqualified'], ['DISQUALIFY'], 'lost', false],
  [10, ['newLead', 'qualifying', 'disqualified'], ['CONNECTED', 'DISQUALIFY'], 'lost', false],
  [
    6,
    ['newLead', 'qualifying', 'meetingBooked', 'disqualified'],
    ['CONNECTED', 'BOOK_MEETING', 'DISQUALIFY'],
    'lost',
    false,
  ],
  [12, ['newLead', 'retrying'], ['NOT_REACHED'], 'lost', true],
  [7, ['newLead', 'qualifying'], ['CONNECTED'], 'lost', true],
  // stuck: never moved on, never closed — the overdue queue the dashboard should show
  [3, ['newLead', 'qualifying'], ['CONNECTED'], 'open', false],
] as const;
const total = PATHS.reduce((a, p) => a + p[0], 0);
let acc = 0;
const pathValues = PATHS.map((p, i) => {
  acc += p[0];
  const arr = (xs: readonly string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]::text[]`;
  return `(${i + 1}, ${acc / total}, ${arr(p[1])}, ${arr(p[2])}, '${p[3]}', ${p[4]})`;
}).join(',\n  ');
// stage: typical hours in it (log-uniform up to ~4x) and its SLA in hours (wall clock here)
const STAGES = `('newLead', 0.2, 0.25), ('retrying', 2, 2), ('qualifying', 8, 24),
  ('meetingBooked', 48, 96), ('converted', 0, null), ('toMarketing', 0, null),
  ('disqualified', 0, null)`;

// bulk load without secondary indexes, then build them once (much faster than maintaining
// them row by row); their definitions are read back from the catalog, so they stay the
// migrations' own
const secondary = await sql<{ name: string; def: string }[]>`
  select indexname as name, indexdef as def from pg_indexes
   where schemaname = current_schema() and tablename in ('records', 'record_events', 'stage_visits')
     and indexname not like '%_pk'`;
for (const ix of secondary) await sql.unsafe(`drop index if exists "${ix.name}"`);
lap(`${secondary.length} secondary indexes set aside`);
try {
  await sql`select setseed(0.42)`;
  await sql.unsafe('drop table if exists bench_rec, bench_visit, bench_last, bench_count');
  await sql.unsafe(
    `create unlogged table bench_rec as
   with p(tpl, upto, path, actions, outcome, closes) as (values ${pathValues})
   select g as n,
          'rec-' || lpad(g::text, 8, '0') as id,
          now() - interval '${SPAN_DAYS} days' * (1 - (g - 1)::float8 / $1) as created_at,
          (select p.tpl from p where p.upto >= x.r order by p.upto limit 1) as tpl,
          ((g::bigint * 7919) % $2)::int as rep
     from (select g, random() as r from generate_series(1, $1::int) g) x`,
    [records, repIds.length],
  );
  await sql.unsafe('alter table bench_rec add primary key (n)');
  lap('records planned');

  await sql.unsafe(
    `create unlogged table bench_visit as
   with p(tpl, upto, path, actions, outcome, closes) as (values ${pathValues}),
        s(stage, hours, sla) as (values ${STAGES}),
        v as (
          select r.n, u.i, u.stage, p.actions[u.i - 1] as action,
                 case when s.hours = 0 then 0
                      when p.outcome = 'open' and u.i = array_length(p.path, 1) then 1e13
                      else s.hours * 3600000 * exp(ln(4) * (random() * 2 - 1)) end as dur_ms,
                 s.sla * 3600000 as sla_ms, array_length(p.path, 1) as k, p.closes
            from bench_rec r
            join p on p.tpl = r.tpl
            cross join lateral unnest(p.path) with ordinality as u(stage, i)
            join s on s.stage = u.stage)
   select v.*, r.created_at + (coalesce(sum(v.dur_ms) over w, 0) - v.dur_ms) * interval '1 millisecond'
            as enter_at
     from v join bench_rec r on r.n = v.n
   window w as (partition by v.n order by v.i rows between unbounded preceding and current row)`,
  );
  await sql.unsafe('delete from bench_visit where enter_at > now()');
  await sql.unsafe('create index on bench_visit (n, i)');
  lap('stage visits planned');

  const repArr = `(array[${repIds.map((id) => `'${id}'`).join(',')}]::text[])`;
  const teamOf = `('team-' || (r.rep / ${REPS_PER_TEAM} + 1))`;
  // events: created, assigned, then per visit: action + exit of the previous stage, entry,
  // the SLA breach when the visit outlasted it, and the end (completed or closed by hand)
  await sql.unsafe(
    `insert into record_events (workspace_id, record_id, seq, id, type, at, actor_id, data, record_version)
   select $1, x.record_id,
          row_number() over (partition by x.record_id order by x.at, x.ord)::int,
          x.record_id || '-' || row_number() over (partition by x.record_id order by x.at, x.ord),
          x.type, x.at, x.actor, x.data, x.ver
     from (
       select r.id as record_id, r.created_at as at, 0 as ord, 'record.created' as type,
              ${repArr}[r.rep + 1] as actor, 1 as ver,
              jsonb_build_object('recordId', r.id, 'sopId', $2::text,
                                 'sopVersion', case when r.created_at > now() - interval '500 days' then 2 else 1 end,
                                 'value', 'newLead') as data
         from bench_rec r
       union all
       select r.id, r.created_at, 1, 'record.assigned', 'system', 1,
              jsonb_build_object('userId', ${repArr}[r.rep + 1], 'teamId', ${teamOf}, 'strategy', 'round-robin')
         from bench_rec r
       union all
       select r.id, v.enter_at, 2, 'action.performed', ${repArr}[r.rep + 1], v.i,
              jsonb_build_object('action', v.action,
                                 'transitions', jsonb_build_array(pv.stage || '#' || v.action || '#0'))
         from bench_visit v join bench_rec r on r.n = v.n
         join bench_visit pv on pv.n = v.n and pv.i = v.i - 1
       union all
       select r.id, v.enter_at, 3, 'stage.exited', ${repArr}[r.rep + 1], v.i,
              jsonb_build_object('stage', pv.stage)
         from bench_visit v join bench_rec r on r.n = v.n
         join bench_visit pv on pv.n = v.n and pv.i = v.i - 1
       union all
       select r.id, v.enter_at, 4, 'stage.entered', ${repArr}[r.rep + 1], v.i,
              jsonb_build_object('stage', v.stage, 'entry', v.i)
         from bench_visit v join bench_rec r on r.n = v.n
       union all
       select r.id, v.enter_at + v.sla_ms * interval '1 millisecond', 5, 'sla.breached', 'system', v.i,
              jsonb_build_object('stage', v.stage)
         from bench_visit v join bench_rec r on r.n = v.n
        where v.sla_ms is not null and v.dur_ms > v.sla_ms
          and v.enter_at + v.sla_ms * interval '1 millisecond' <= now()
       union all
       select r.id, v.enter_at, 6, 'record.completed', ${repArr}[r.rep + 1], v.i,
              jsonb_build_object('status', case v.stage when 'converted' then 'won'
                                   when 'toMarketing' then 'done' else 'lost' end, 'stage', v.stage)
         from bench_visit v join bench_rec r on r.n = v.n
        where v.i = v.k and v.dur_ms = 0
       union all
       select r.id, v.enter_at + v.dur_ms * interval '1 millisecond', 7, 'record.closed',
              ${repArr}[r.rep + 1], v.i + 1,
              jsonb_build_object('reason', (array['客户预算不足', '已选竞品', '联系不上', '需求取消'])[1 + r.n % 4])
         from bench_visit v join bench_rec r on r.n = v.n
        where v.closes and v.i = v.k and v.enter_at + v.dur_ms * interval '1 millisecond' <= now()
     ) x
    order by x.at`,
    [BENCH_WS, BENCH_SOP],
  );
  lap('events inserted in time order');

  // the visits the command path would have written (stage_visits): each planned visit,
  // closed by the next one with its wall and working time (the workspace's China calendar,
  // as two array parameters — docs/reports.md), breached like its events
  const vp = new Params();
  const cal = calendarSql(vp, chinaCalendar, Date.now() - (SPAN_DAYS + 2) * DAY_MS, Date.now());
  const wsP = vp.p(BENCH_WS);
  const sopP = vp.p(BENCH_SOP);
  await sql.unsafe(
    `insert into stage_visits (workspace_id, record_id, stage, entry, sop_id, sop_version,
                               record_created_at, entered_at, exited_at, wall_ms, work_ms,
                               breached, next)
   -- breached as the events say: the event insert's now() was earlier than this one's
   with cutoff as (select max(at) as at from record_events
                    where workspace_id = ${wsP} and type = 'sla.breached')
   select ${wsP}, r.id, v.stage, v.i, ${sopP},
          case when r.created_at > now() - interval '500 days' then 2 else 1 end,
          r.created_at, v.enter_at, nv.enter_at,
          case when nv.n is not null then ${cal.local('nv.enter_at')} - ${cal.local('v.enter_at')} end,
          case when nv.n is not null
               then ${cal.workingAt(cal.local('nv.enter_at'))} - ${cal.workingAt(cal.local('v.enter_at'))} end,
          v.sla_ms is not null and v.dur_ms > v.sla_ms
            and v.enter_at + v.sla_ms * interval '1 millisecond' <= (select c.at from cutoff c),
          case when nv.n is not null then array[nv.stage] end
     from bench_visit v join bench_rec r on r.n = v.n
     left join bench_visit nv on nv.n = v.n and nv.i = v.i + 1
    order by v.enter_at`,
    vp.values as never[],
  );
  lap('stage visits inserted');

  await sql.unsafe(
    `create unlogged table bench_count as
   select record_id, count(*)::int as events from record_events where workspace_id = $1
    group by record_id`,
    [BENCH_WS],
  );
  await sql.unsafe(
    `create unlogged table bench_last as
   select distinct on (n) * from bench_visit order by n, i desc`,
  );
  await sql.unsafe('alter table bench_last add primary key (n)');
  lap('events counted');
  await sql.unsafe(
    `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields, owner_id, team_id,
                        stage, stages, due_at, version, event_count, search, created_at, updated_at)
   select $1, r.id, $2, l.ver, l.status,
          jsonb_build_object('id', r.id, 'sopId', $2::text, 'sopVersion', l.ver, 'status', l.status,
                             'value', l.stage, 'fields', l.fields, 'ownerId', ${repArr}[r.rep + 1],
                             'teamId', ${teamOf}, 'stages', jsonb_build_object(l.stage,
                               jsonb_build_object('enteredAt', (extract(epoch from l.enter_at) * 1000)::bigint,
                                                  'entry', l.i, 'fieldsAtEntry', '{}'::jsonb)),
                             'checklist', '{}'::jsonb, 'timers', '[]'::jsonb,
                             'dueAt', (extract(epoch from l.due_at) * 1000)::bigint,
                             'lostReason', l.reason, 'version', l.i + 1,
                             'createdAt', (extract(epoch from r.created_at) * 1000)::bigint,
                             'updatedAt', (extract(epoch from l.updated_at) * 1000)::bigint),
          l.fields, ${repArr}[r.rep + 1], ${teamOf}, l.stage, array[l.stage], l.due_at, l.i + 1,
          l.events, lower(l.fields ->> 'company'), r.created_at, l.updated_at
     from bench_rec r
     cross join lateral (
       select v.stage, v.i,
              case when r.created_at > now() - interval '500 days' then 2 else 1 end as ver,
              case when v.dur_ms = 0 then (case v.stage when 'converted' then 'won'
                                             when 'toMarketing' then 'done' else 'lost' end)
                   when v.closes and v.i = v.k
                        and v.enter_at + v.dur_ms * interval '1 millisecond' <= now() then 'lost'
                   else 'open' end as status,
              case when v.closes and v.i = v.k
                        and v.enter_at + v.dur_ms * interval '1 millisecond' <= now()
                   then (array['客户预算不足', '已选竞品', '联系不上', '需求取消'])[1 + r.n % 4] end as reason,
              case when v.dur_ms > 0 and not (v.closes and v.i = v.k
                        and v.enter_at + v.dur_ms * interval '1 millisecond' <= now())
                   then v.enter_at + v.sla_ms * interval '1 millisecond' end as due_at,
              v.enter_at,
              -- the instant of its last event: the entry, the breach or the closing
              greatest(v.enter_at,
                       case when v.sla_ms is not null and v.dur_ms > v.sla_ms
                             and v.enter_at + v.sla_ms * interval '1 millisecond' <= now()
                            then v.enter_at + v.sla_ms * interval '1 millisecond' end,
                       case when v.closes and v.i = v.k
                             and v.enter_at + v.dur_ms * interval '1 millisecond' <= now()
                            then v.enter_at + v.dur_ms * interval '1 millisecond' end) as updated_at,
              jsonb_build_object('contactName', '客户' || r.n, 'phone', '138' || lpad((r.n % 100000000)::text, 8, '0'),
                                 'company', '公司' || r.n, 'leadSource',
                                 (array['website', 'trade_show', 'referral', 'online_ad'])[1 + r.n % 4],
                                 'productInterest', (array['standard', 'professional', 'enterprise'])[1 + r.n % 3],
                                 'disqualifyReason', case when v.stage = 'disqualified'
                                   then (array['invalid_contact', 'unreachable', 'spam'])[1 + r.n % 3] end) as fields,
              c.events
         from bench_last v join bench_count c on c.record_id = r.id where v.n = r.n) l`,
    [BENCH_WS, BENCH_SOP],
  );
  lap('records inserted');
  await sql.unsafe('drop table bench_rec, bench_visit, bench_last, bench_count');
} finally {
  // put the indexes back even when the load failed half-way
  await sql.unsafe("set maintenance_work_mem = '512MB'");
  for (const ix of secondary) {
    await sql.unsafe(ix.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '));
  }
  lap('secondary indexes rebuilt');
}
await sql.unsafe('vacuum analyze records');
await sql.unsafe('vacuum analyze record_events');
await sql.unsafe('vacuum analyze stage_visits');
lap('vacuum analyze');
const done = await existing();
console.log(
  `generate-events: ${done?.records.toLocaleString()} records, ${done?.events.toLocaleString()} events in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
await db.close();
await sql.end();
