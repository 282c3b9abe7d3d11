/**
 * The chaos test's verdict: waiting for due timers to settle, then checking one snapshot of
 * the database against the acknowledged commands (lost, duplicated, timers, versions).
 */

/** A timer claim's lease (server/src/services/commands/timer-claims.ts). */
export const LEASE_MS = 30_000;

/** A command the server acknowledged, with the marker it wrote. */
export type Ack = {
  key: string;
  recordId: string;
  version: number;
  eventIds: string[];
  marker: string;
};

type Q = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Waits until no timer due before `asOf` is still pending or claimed; returns the instant checked. */
export async function settleDue(q: Q, ws: string, since: number): Promise<Date> {
  const asOf = new Date(Date.now() - 1000);
  for (;;) {
    const [r] = await q(
      `select count(*)::int as n from timers where workspace_id = $1
        and status in ('pending', 'claimed') and due_at <= $2`,
      [ws, asOf.toISOString()],
    );
    if (Number(r?.n) === 0) return asOf;
    if (Date.now() - since > LEASE_MS * 3) return asOf; // the check reports what is left
    await Bun.sleep(500);
  }
}

type Result = {
  lost: number;
  duplicated: number;
  timersFired: number;
  timersDouble: number;
  timersMissed: number;
  badVersions: number;
  records: number;
  problems: string[];
};

export async function check(q: Q, ws: string, acks: Ack[], asOf: Date): Promise<Result> {
  const problems: string[] = [];
  const events = await q(
    `select id, record_id, record_version, seq, type, data from record_events
      where workspace_id = $1 order by record_id, seq`,
    [ws],
  );
  const byId = new Map<string, Record<string, unknown>[]>();
  for (const e of events) {
    const list = byId.get(String(e.id)) ?? [];
    list.push(e);
    byId.set(String(e.id), list);
  }
  // every acknowledged command: each of its events stored once, on its record and version
  let lost = 0;
  let duplicated = 0;
  for (const a of acks) {
    for (const id of a.eventIds) {
      const found = byId.get(id) ?? [];
      if (found.length === 0) {
        lost++;
        problems.push(`lost: event ${id} of acknowledged ${a.key}`);
      } else if (found.length > 1) {
        duplicated++;
        problems.push(`duplicated: event ${id} stored ${found.length} times`);
      } else if (found[0]?.record_id !== a.recordId || found[0]?.record_version !== a.version) {
        lost++;
        problems.push(`lost: event ${id} of ${a.key} is on another record or version`);
      }
    }
  }
  // no command applied twice: each create's and each edit's marker is in the history once
  const markers = await q(
    `select coalesce(data->'fields'->>'company', data->'changes'->'note'->>'to') as m, count(*)::int as n
       from record_events where workspace_id = $1 and type in ('record.created', 'fields.changed')
      group by 1 having count(*) > 1`,
    [ws],
  );
  for (const m of markers) {
    if (m.m === null) continue;
    duplicated++;
    problems.push(`duplicated: command ${m.m} applied ${m.n} times`);
  }
  // versions: per record, seq 1..n and versions 1, then +0 or +1 at each event, ending at the record's
  const records = await q('select id, version, event_count from records where workspace_id = $1', [
    ws,
  ]);
  const evByRecord = new Map<string, Record<string, unknown>[]>();
  for (const e of events) {
    const list = evByRecord.get(String(e.record_id)) ?? [];
    list.push(e);
    evByRecord.set(String(e.record_id), list);
  }
  let badVersions = 0;
  for (const r of records) {
    const list = evByRecord.get(String(r.id)) ?? [];
    let prev = 0;
    let ok = list.length === Number(r.event_count);
    list.forEach((e, i) => {
      const v = Number(e.record_version);
      if (Number(e.seq) !== i + 1 || (v !== prev && v !== prev + 1) || (i === 0 && v !== 1))
        ok = false;
      prev = v;
    });
    if (prev !== Number(r.version)) ok = false;
    if (!ok) {
      badVersions++;
      problems.push(`versions: record ${r.id} has a skipped or repeated version`);
    }
  }
  // timers: each fired once (one timer.fired event), none due and unfired
  const timers = await q(
    `select id, status, due_at <= $2 as due from timers where workspace_id = $1`,
    [ws, asOf.toISOString()],
  );
  const firedEvents = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'timer.fired') continue;
    const id = String((e.data as { timerId?: string }).timerId);
    firedEvents.set(id, (firedEvents.get(id) ?? 0) + 1);
  }
  let timersFired = 0;
  let timersDouble = 0;
  let timersMissed = 0;
  for (const tm of timers) {
    const n = firedEvents.get(String(tm.id)) ?? 0;
    if (tm.status === 'fired') {
      timersFired++;
      if (n !== 1) {
        timersDouble += n > 1 ? 1 : 0;
        if (n === 0) timersMissed++;
        problems.push(`timer ${tm.id}: fired with ${n} timer.fired events`);
      }
    } else if (n > 0) {
      timersDouble++;
      problems.push(`timer ${tm.id}: ${tm.status} but has ${n} timer.fired events`);
    } else if (tm.due === true && (tm.status === 'pending' || tm.status === 'claimed')) {
      timersMissed++;
      problems.push(`timer ${tm.id}: came due and never fired (${tm.status})`);
    }
  }
  return {
    lost,
    duplicated,
    timersFired,
    timersDouble,
    timersMissed,
    badVersions,
    records: records.length,
    problems,
  };
}
