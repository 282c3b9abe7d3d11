/**
 * Benchmark: live updates to many open SSE streams on one server process (issue 19, item 4).
 * Goal: 2,000 concurrent streams, 100 actions/s: p99 from commit to delivery < 250 ms, server
 * RSS < 300 MB.
 *
 *   DATABASE_URL=postgres://… bun run bench live-sse [--streams 2000] [--rate 100]
 *     [--seconds 30] [--warmup 5] [--clients 2] [--baseline 10]
 *   (development: --streams 200 --seconds 5)
 *
 * Set-up: a database of its own (vacuumed and analysed after the set-up writes), one server
 * process (bun server/src/main.ts, WORKERS=1) and `--clients` client processes
 * (_live-sse-client.ts) holding the streams on raw sockets, so that neither the clients'
 * work nor their memory lands in the server's process. Users sign in over HTTP; each
 * session holds 4 streams (STREAMS_PER_SESSION, like four tabs), so --streams 2000 is 500
 * sessions: one in ten a team manager (one per team), the rest reps spread over the teams.
 * One record per rep, owned by the rep, in the rep's team (teams not shared): a rep's
 * streams get record.changed and next-action for the rep's own record only, a manager's
 * streams record.changed for the team's records; the admin who created the records holds
 * no stream. Each action is expected on the owner's 4 streams twice and on the manager's 4
 * once: 12 deliveries.
 *
 * Load: LOG actions (performAction over HTTP, by the owner) paced open loop at --rate per
 * second over the records, --warmup seconds unmeasured, then --seconds measured. Latency of
 * each delivery = when the stream's client read it − when the action's HTTP response
 * arrived (the command commits before the server answers; a negative value means the event
 * beat the response), and − when the request was sent (an upper bound). All clocks are
 * performance.timeOrigin + performance.now() in each process on this one machine.
 * Lost = deliveries expected by the visibility rule above − received (per stream, event,
 * record and version). Server memory: VmRSS / VmHWM from /proc/<pid>/status with no stream,
 * with all streams idle, and under load. CPU: the server process (and its Postgres
 * backends) per action, user + system from /proc. Before any stream opens, the same load
 * runs for --baseline seconds: its CPU, memory and action latency are what the streams add
 * to. Nothing here asserts a time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, createWorkspace, migrateDb, parseConfig } from '@closeloop/server';
import { spawnServer, stopServer } from '../integration/processes.ts';
import type { Delivery } from './_live-sse-client.ts';
import { type LiveSseFigures, printLiveSse } from './_live-sse-report.ts';
import { ownDatabase } from './_own-db.ts';
import { writeResults } from './_results.ts';
import { arg, backendPids, benchSop, cpuSeconds, login } from './server-common.ts';

const STREAMS = Number(arg('streams', '2000'));
const RATE = Number(arg('rate', '100'));
const SECONDS = Number(arg('seconds', '30'));
const WARMUP = Number(arg('warmup', '5'));
const CLIENTS = Number(arg('clients', '2'));
/** Seconds of the same load before any stream opens (0: none). */
const BASELINE = Number(arg('baseline', '10'));
const PER_SESSION = 4;

const url = process.env.DATABASE_URL;
if (!url) {
  console.log(
    'DATABASE_URL is not set: the live-sse bench needs Postgres (LISTEN/NOTIFY); skipped.',
  );
  process.exit(0);
}

const now = () => performance.timeOrigin + performance.now();
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const q = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

function memOf(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// the bench's own database, so its tables hold nothing but what it writes
const own = await ownDatabase(url, `closeloop_bench_live_${process.pid}`);
const benchUrl = own.url;

const parsed = parseConfig({ databaseUrl: benchUrl, poolSize: '4' });
if (!parsed.ok) throw new Error(parsed.errors.join());
const db = await createDb(parsed.config);
await migrateDb(db, parsed.config);

// people: sessions of 4 streams; one in ten a manager of a team of its own
const sessions = Math.ceil(STREAMS / PER_SESSION);
const managers = Math.max(1, Math.round(sessions / 10));
const reps = Math.max(1, sessions - managers);
const tag = crypto.randomUUID().slice(0, 8);
const email = (who: string) => `${who}-${tag}@bench.test`;
// one cheap hash for everyone: sign-in cost is not what this bench measures
const passwordHash = await Bun.password.hash('bench-pass', {
  algorithm: 'argon2id',
  memoryCost: 1024,
  timeCost: 1,
});
const user = (who: string, role: 'admin' | 'manager' | 'rep') => ({
  email: email(who),
  name: who,
  role,
  password: 'bench-pass',
  passwordHash,
});
const ws = await createWorkspace(db, {
  name: `bench live ${tag}`,
  users: [
    user('admin', 'admin'),
    ...Array.from({ length: managers }, (_, i) => user(`mgr${i}`, 'manager')),
    ...Array.from({ length: reps }, (_, i) => user(`rep${i}`, 'rep')),
  ],
  teams: Array.from({ length: managers }, (_, t) => ({
    id: `t${t}`,
    name: `Team ${t}`,
    managers: [email(`mgr${t}`)],
    members: Array.from({ length: reps }, (_, i) => i)
      .filter((i) => i % managers === t)
      .map((i) => email(`rep${i}`)),
  })),
});
const idOf = (who: string) => {
  const u = ws.users[email(who)];
  if (!u) throw new Error(`no user ${who}`);
  return u.id;
};

const server = await spawnServer({
  DATABASE_URL: benchUrl,
  WORKERS: '1',
  POOL_SIZE: '10',
  SIGN_IN_FREE_PER_ADDRESS: '100000',
});
const pid = server.proc.pid;
const base = server.url;
const clients: Array<ReturnType<typeof Bun.spawn>> = [];
try {
  const adminCookie = await login(base, email('admin'));
  const post = async (cookie: string, path: string, body: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few known fields
    return { status: res.status, body: (await res.json()) as any };
  };
  const sopId = `bench-live-${tag}`;
  // the bench SOP without its owner policy (records are created with owner and team given)
  const doc = benchSop(sopId);
  const working = doc.machine.states?.working as { meta: { stage: { owner?: unknown } } };
  delete working.meta.stage.owner;
  for (const [path, body] of [
    ['/api/sops', { doc }],
    [`/api/sops/${sopId}/publish`, { note: 'bench' }],
  ] as const) {
    const r = await post(adminCookie, path, body);
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  // sign-ins and records, a few at a time
  const pool = async <T>(n: number, work: Array<() => Promise<T>>): Promise<T[]> => {
    const out: T[] = new Array(work.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: n }, async () => {
        for (let i = next++; i < work.length; i = next++)
          out[i] = await (work[i] as () => Promise<T>)();
      }),
    );
    return out;
  };
  type Person = { who: string; id: string; role: 'manager' | 'rep'; team: string; cookie: string };
  const people = await pool<Person>(8, [
    ...Array.from({ length: managers }, (_, i) => async () => ({
      who: `mgr${i}`,
      id: idOf(`mgr${i}`),
      role: 'manager' as const,
      team: `t${i}`,
      cookie: await login(base, email(`mgr${i}`)),
    })),
    ...Array.from({ length: reps }, (_, i) => async () => ({
      who: `rep${i}`,
      id: idOf(`rep${i}`),
      role: 'rep' as const,
      team: `t${i % managers}`,
      cookie: await login(base, email(`rep${i}`)),
    })),
  ]);
  const managerOf = new Map(people.filter((p) => p.role === 'manager').map((p) => [p.team, p.id]));
  type Rec = {
    id: string;
    version: number;
    owner: string;
    team: string;
    cookie: string;
    busy: boolean;
  };
  const repsList = people.filter((p) => p.role === 'rep');
  const records: Rec[] = await pool(
    8,
    repsList.map((p) => async () => {
      const r = await post(adminCookie, '/api/records', {
        sopId,
        fields: {},
        ownerId: p.id,
        teamId: p.team,
      });
      if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
      return {
        id: r.body.record.id,
        version: r.body.record.version,
        owner: p.id,
        team: p.team,
        cookie: p.cookie,
        busy: false,
      };
    }),
  );
  await db.query('vacuum analyze');

  // streams: 4 per session, in session order, until STREAMS
  const streamUser: string[] = [];
  const specs: Array<{ s: number; cookie: string }> = [];
  for (const p of people) {
    for (let k = 0; k < PER_SESSION && specs.length < STREAMS; k++) {
      specs.push({ s: specs.length, cookie: p.cookie });
      streamUser.push(p.id);
    }
  }
  const streamsOf = new Map<string, number[]>();
  streamUser.forEach((u, s) => {
    streamsOf.set(u, [...(streamsOf.get(u) ?? []), s]);
  });

  await Bun.sleep(2000);
  const mem0 = memOf(pid);

  // the load: open loop, RATE actions/s over the records, one in flight per record
  type Act = { send: number; resp: number; owners: string[]; teams: string[]; measured: boolean };
  const backends = await backendPids(db);
  let cursor = 0;
  async function load(seconds: number) {
    const acts = new Map<string, Act>();
    let failed = 0;
    let skipped = 0;
    const inflight: Promise<void>[] = [];
    const rss: number[] = [];
    const took: number[] = [];
    const total = Math.round((WARMUP + seconds) * RATE);
    const firstMeasured = Math.round(WARMUP * RATE);
    const act = async (rec: Rec, measured: boolean) => {
      rec.busy = true;
      const send = now();
      try {
        const res = await fetch(`${base}/api/records/${rec.id}/actions`, {
          method: 'POST',
          headers: { cookie: rec.cookie, 'content-type': 'application/json' },
          body: JSON.stringify({
            action: 'LOG',
            fields: { note: `n${rec.version}` },
            version: rec.version,
          }),
        });
        const resp = now();
        // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few known fields
        const body = (await res.json()) as any;
        if (res.status !== 200) {
          failed++;
          if (failed < 5) console.error(`action ${res.status} ${JSON.stringify(body)}`);
          return;
        }
        const r = body.record as { version: number; ownerId: string | null; teamId: string | null };
        const owners = [...new Set([rec.owner, r.ownerId ?? ''])].filter(Boolean);
        const teams = [...new Set([rec.team, r.teamId ?? ''])].filter(Boolean);
        acts.set(`${rec.id}:${r.version}`, { send, resp, owners, teams, measured });
        if (measured) took.push(resp - send);
        rec.version = r.version;
        if (r.ownerId && r.ownerId !== rec.owner) rec.owner = r.ownerId;
        if (r.teamId && r.teamId !== rec.team) rec.team = r.teamId;
      } finally {
        rec.busy = false;
      }
    };
    let cpu0 = 0;
    let db0 = 0;
    const startAt = now();
    let sampleAt = startAt + WARMUP * 1000;
    for (let i = 0; i < total; i++) {
      const due = startAt + (i * 1000) / RATE;
      const wait = due - now();
      if (wait > 1) await Bun.sleep(wait);
      if (i === firstMeasured) {
        cpu0 = cpuSeconds([pid]);
        db0 = cpuSeconds(backends);
      }
      if (i >= firstMeasured && now() >= sampleAt) {
        rss.push(memOf(pid).rss);
        sampleAt += 1000;
      }
      // the next record with no action in flight
      let rec: Rec | undefined;
      for (let k = 0; k < records.length && !rec; k++) {
        const r = records[(cursor + k) % records.length];
        if (r && !r.busy) {
          rec = r;
          cursor = (cursor + k + 1) % records.length;
        }
      }
      if (!rec) {
        skipped++;
        continue;
      }
      inflight.push(act(rec, i >= firstMeasured));
    }
    const sentUntil = now();
    await Promise.all(inflight);
    const cpu = cpuSeconds([pid]) - cpu0;
    const dbCpu = cpuSeconds(backends) - db0;
    const mem = memOf(pid);
    rss.push(mem.rss);
    const measured = [...acts.values()].filter((a) => a.measured).length;
    const tookSorted = sortNum(took);
    return {
      acts,
      measured,
      failed,
      skipped,
      wallSeconds: (sentUntil - (startAt + WARMUP * 1000)) / 1000,
      serverCpuMs: (cpu * 1000) / (measured || 1),
      dbCpuMs: (dbCpu * 1000) / (measured || 1),
      rss: sortNum(rss),
      mem,
      actionMs: { p50: q(tookSorted, 0.5), p99: q(tookSorted, 0.99) },
    };
  }

  // the same load with no stream open: what the streams add to CPU, memory and latency
  const baseline = BASELINE > 0 ? await load(BASELINE) : null;
  const memAfterBaseline = memOf(pid);

  // client processes: each holds a share of the streams
  type Reply =
    | { type: 'opened'; ok: number; failed: number }
    | { type: 'report'; deliveries: Delivery[]; closed: number };
  const waiting: Array<Array<(m: Reply) => void>> = [];
  for (let c = 0; c < CLIENTS; c++) {
    waiting.push([]);
    clients.push(
      Bun.spawn(['bun', join(import.meta.dir, '_live-sse-client.ts')], {
        stdio: ['ignore', 'inherit', 'inherit'],
        ipc(m: Reply) {
          waiting[c]?.shift()?.(m);
        },
      }),
    );
  }
  const ask = (c: number, msg: unknown) =>
    new Promise<Reply>((resolve) => {
      waiting[c]?.push(resolve);
      clients[c]?.send(msg);
    });
  const { hostname, port } = new URL(base);
  const t0open = now();
  const opened = await Promise.all(
    clients.map((_, c) =>
      ask(c, {
        type: 'open',
        host: hostname,
        port: Number(port),
        streams: specs.filter((s) => s.s % CLIENTS === c),
      }),
    ),
  );
  const openSeconds = (now() - t0open) / 1000;
  const openOk = opened.reduce((a, m) => a + (m.type === 'opened' ? m.ok : 0), 0);
  const openFailed = opened.reduce((a, m) => a + (m.type === 'opened' ? m.failed : 0), 0);
  // idle: memory and CPU with every stream open and nothing happening
  const idleSeconds = 5;
  const ci0 = cpuSeconds([pid]);
  await Bun.sleep(idleSeconds * 1000);
  const idleCpu = (cpuSeconds([pid]) - ci0) / idleSeconds;
  const memIdle = memOf(pid);
  const main = await load(SECONDS);
  const acts = main.acts;
  const failedActions = main.failed;
  const skipped = main.skipped;
  const measuredWallSeconds = main.wallSeconds;
  const memLoad = main.mem;
  // stragglers
  await Bun.sleep(3000);

  const reports = await Promise.all(clients.map((_, c) => ask(c, { type: 'report' })));
  let closed = 0;
  const fromResp: number[] = [];
  const fromSend: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  const expectedOn = (a: Act, s: number, code: number) => {
    const u = streamUser[s] ?? '';
    if (a.owners.includes(u)) return code === 1 || code === 2;
    return code === 1 && a.teams.some((t) => managerOf.get(t) === u);
  };
  for (const r of reports) {
    if (r.type !== 'report') continue;
    closed += r.closed;
    for (const [s, code, recordId, version, t] of r.deliveries) {
      const a = acts.get(`${recordId}:${version}`);
      if (!a?.measured) continue;
      if (!expectedOn(a, s, code)) {
        unexpected++;
        continue;
      }
      const key = `${s}:${code}:${recordId}:${version}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      fromResp.push(t - a.resp);
      fromSend.push(t - a.send);
    }
  }
  let expected = 0;
  let measuredActions = 0;
  for (const a of acts.values()) {
    if (!a.measured) continue;
    measuredActions++;
    const mgrs = a.teams.map((t) => managerOf.get(t)).filter((m): m is string => !!m);
    for (const o of a.owners) expected += 2 * (streamsOf.get(o)?.length ?? 0);
    for (const m of new Set(mgrs))
      if (!a.owners.includes(m)) expected += streamsOf.get(m)?.length ?? 0;
  }
  const resp = sortNum(fromResp);
  const sent = sortNum(fromSend);

  const figures: LiveSseFigures & Record<string, unknown> = {
    streams: STREAMS,
    streamsOpen: openOk,
    streamsFailedToOpen: openFailed,
    streamsClosedByServer: closed,
    sessions,
    perSession: PER_SESSION,
    managers,
    reps,
    openSeconds,
    rate: RATE,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    actionsMeasured: measuredActions,
    actionsPerSecond: measuredActions / measuredWallSeconds,
    actionsFailed: failedActions,
    actionsSkippedAllBusy: skipped,
    deliveriesExpected: expected,
    deliveriesReceived: seen.size,
    deliveriesLost: expected - seen.size,
    deliveriesDuplicated: duplicates,
    deliveriesUnexpected: unexpected,
    deliveriesPerSecond: seen.size / measuredWallSeconds,
    latencyFromResponseMs: {
      p50: q(resp, 0.5),
      p99: q(resp, 0.99),
      max: resp.at(-1) ?? Number.NaN,
      min: resp[0] ?? Number.NaN,
    },
    latencyFromSendMs: { p50: q(sent, 0.5), p99: q(sent, 0.99), max: sent.at(-1) ?? Number.NaN },
    actionMs: main.actionMs,
    serverMemoryMb: {
      noStreams: mem0,
      afterBaselineLoad: memAfterBaseline,
      idleStreams: memIdle,
      underLoad: { rssMedian: q(main.rss, 0.5), rssMax: main.rss.at(-1) ?? 0, ...memLoad },
    },
    serverCpuMsPerAction: main.serverCpuMs,
    dbCpuMsPerAction: main.dbCpuMs,
    serverCpuIdleStreamsPercent: idleCpu * 100,
    baselineNoStreams: baseline
      ? {
          seconds: BASELINE,
          actionsMeasured: baseline.measured,
          actionsFailed: baseline.failed,
          actionMs: baseline.actionMs,
          serverCpuMsPerAction: baseline.serverCpuMs,
          dbCpuMsPerAction: baseline.dbCpuMs,
          rssMedianMb: q(baseline.rss, 0.5),
        }
      : null,
  };

  printLiveSse(figures);
  writeResults('live-sse', figures);
} finally {
  for (const c of clients) c.kill();
  await stopServer(server);
  await db.close();
  await own.drop();
}
process.exit(0);
