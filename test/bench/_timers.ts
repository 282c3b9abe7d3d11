/**
 * The due-timer workload shared by the timer benchmarks (server-scheduler.ts, timers-peers.ts):
 * a workspace of N records on one SOP, each with its stage visit and its SLA timers written
 * due tomorrow; one UPDATE then makes one timer per record due now (the start of a
 * measurement, as in production: no test clock).
 *
 * Two SOPs:
 * - `deadline`: the timer is the stage's deadline; firing it steps the engine (timer.fired,
 *   sla.breached), notifies the owner, flags the stage visit breached.
 * - `chain`: the timer is an escalation rung that moves the record (action AGAIN, re-entering
 *   its stage); firing it steps the engine, writes the events, closes the stage visit and
 *   opens the next, cancels the stage's deadline and schedules the next deadline and rung
 *   (due in an hour and two days, so they do not fire during the run).
 */
import { chinaCalendar, compile, type SopDocument, step } from '@closeloop/engine';
import { createWorkspace, type Db } from '@closeloop/server';
import { t } from './server-common.ts';

export type TimerSop = 'deadline' | 'chain';

export function timerSop(id: string, kind: TimerSop): SopDocument {
  const sla =
    kind === 'deadline'
      ? { duration: 'PT1S', clock: 'wall' as const, dueField: 'due', escalations: [] }
      : {
          duration: 'P2D',
          clock: 'wall' as const,
          escalations: [{ after: 'PT1H', kind: 'move' as const, action: 'AGAIN' }],
        };
  return {
    id,
    version: 1,
    name: t('Timers'),
    fields: [{ key: 'due', type: 'datetime', label: t('Due') }],
    machine: {
      id,
      initial: 'waiting',
      states: {
        waiting: {
          meta: { stage: { title: t('Waiting'), sla } },
          on: {
            AGAIN: { target: 'waiting', reenter: true },
            DONE: { target: 'done' },
          },
        },
        done: { type: 'final', meta: { stage: { title: t('Done') } } },
      },
    },
  };
}

/** The rung of the timer each record fires: the deadline (-1) or the first escalation (0). */
export const firedRung = (kind: TimerSop) => (kind === 'deadline' ? -1 : 0);

/**
 * A workspace holding `n` records on a `kind` SOP, each in its first stage (its stage visit
 * open) with its timers all due at `due`. Returns the workspace id.
 */
export async function setupTimers(db: Db, n: number, due: number, kind: TimerSop): Promise<string> {
  const tag = crypto.randomUUID().slice(0, 8);
  const ws = await createWorkspace(db, {
    name: `timers ${tag}`,
    users: [{ email: `timers-${tag}@bench.test`, name: 'R', role: 'rep', password: 'bench-pass' }],
    teams: [{ id: 'sales', name: 'Sales', members: [`timers-${tag}@bench.test`] }],
  });
  const owner = Object.values(ws.users)[0]?.id ?? '';
  const doc = timerSop(`timers-${tag}`, kind);
  const first = await step(
    compile(doc),
    null,
    {
      type: 'create',
      recordId: '__REC__',
      fields: { due: new Date(due - 1000).toISOString() },
      ownerId: owner,
      teamId: 'sales',
    },
    {
      now: Date.now(),
      actor: { id: 'bench', role: 'admin' },
      newId: () => crypto.randomUUID(),
      roster: {
        teams: [
          {
            id: 'sales',
            managerIds: [],
            members: [{ userId: owner, active: true, openCount: 0 }],
            rrCursor: 0,
          },
        ],
      },
      calendar: chinaCalendar,
    },
  );
  if (!first.ok) throw new Error(first.rejection.message.en);
  const rec = first.record;
  const template = JSON.stringify(rec);
  const visit = rec.stages.waiting;
  if (!visit) throw new Error('the record is not in its first stage');
  await db.query(
    `insert into sops (workspace_id, id, name, draft, published_version) values ($1, $2, $3::text::jsonb, $4::text::json, 1)`,
    [ws.id, doc.id, JSON.stringify(doc.name), JSON.stringify(doc)],
  );
  await db.query(
    `insert into sop_versions (workspace_id, sop_id, version, doc, hash) values ($1, $2, 1, $3::text::json, 'bench')`,
    [ws.id, doc.id, JSON.stringify(doc)],
  );
  const suffixes = rec.timers.map((tm) => ({
    suffix: tm.id.slice('__REC__'.length),
    rung: tm.rung,
    kind: tm.kind,
  }));
  const chunk = 20_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await db.query(
      `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields, owner_id, team_id,
              stage, stages, due_at, version, event_count, search, created_at, updated_at)
       select $1, 'r' || g, $2, 1, 'open', replace($3, '__REC__', 'r' || g)::jsonb, '{}'::jsonb, $4, 'sales',
              'waiting', '{waiting}', to_timestamp($5::float8 / 1000), $9, $6, '', to_timestamp($10::float8 / 1000), now()
         from generate_series($7::int, $8::int) g`,
      [
        ws.id,
        doc.id,
        template,
        owner,
        due,
        first.events.length,
        from,
        to,
        rec.version,
        rec.createdAt,
      ],
    );
    await db.query(
      `insert into stage_visits (workspace_id, record_id, stage, entry, sop_id, sop_version,
              record_created_at, entered_at)
       select $1, 'r' || g, 'waiting', $2, $3, 1, to_timestamp($4::float8 / 1000), to_timestamp($5::float8 / 1000)
         from generate_series($6::int, $7::int) g`,
      [ws.id, visit.entry, doc.id, rec.createdAt, visit.enteredAt, from, to],
    );
    for (const s of suffixes) {
      await db.query(
        `insert into timers (workspace_id, id, record_id, stage, rung, kind, due_at)
         select $1, 'r' || g || $2, 'r' || g, 'waiting', $3, $4, to_timestamp($5::float8 / 1000)
           from generate_series($6::int, $7::int) g`,
        [ws.id, s.suffix, s.rung, s.kind, due, from, to],
      );
    }
  }
  return ws.id;
}

/** Makes the fired timer of every record of the workspace due now (a measurement's start). */
export async function makeDue(db: Db, ws: string, kind: TimerSop): Promise<void> {
  await db.query('update timers set due_at = now() where workspace_id = $1 and rung = $2', [
    ws,
    firedRung(kind),
  ]);
}

/** Seconds until `n` timers of the workspace are fired (polled every 200 ms). */
export async function waitFired(db: Db, ws: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const rows = await db.query(
      "select count(*)::int as n from timers where workspace_id = $1 and status = 'fired'",
      [ws],
    );
    if (Number(rows[0]?.n) >= n) return (performance.now() - t0) / 1000;
    await Bun.sleep(200);
  }
}

const CLAIM = `select t.id, t.record_id from timers t
  where t.workspace_id = $1 and t.status = 'pending' and t.due_at <= now()
  order by t.due_at limit 200 for update skip locked`;
const FIRE_RECORDS = `update records r set version = r.version + 1, event_count = r.event_count + 1,
    state = jsonb_set(jsonb_set(r.state, '{timers}', '[]'::jsonb), '{version}', to_jsonb(r.version + 1)),
    due_at = null, updated_at = now()
  where r.workspace_id = $1 and r.id = any($2::text[])`;
const FIRE_EVENTS = `insert into record_events (workspace_id, record_id, seq, id, type, at, actor_id, data, record_version)
  select $1, r.id, r.event_count, gen_random_uuid()::text, 'timer.fired', now(), 'system', '{}'::jsonb, r.version
    from records r where r.workspace_id = $1 and r.id = any($2::text[])`;
const FIRE_TIMERS = `update timers set status = 'fired', fired_at = now() where workspace_id = $1 and id = any($2::text[])`;

export type TxRunner = (
  fn: (
    q: (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  ) => Promise<number>,
) => Promise<number>;

/**
 * The baseline: `loops` raw SKIP LOCKED loops, each batch of 200 one transaction, writing the
 * least a firing writes (the timer, the record's version and state, one event; no engine).
 */
export async function rawLoops(run: TxRunner, ws: string, loops: number): Promise<void> {
  const loop = async () => {
    for (;;) {
      const n = await run(async (q) => {
        const claimed = await q(CLAIM, [ws]);
        if (claimed.length === 0) return 0;
        const ids = claimed.map((c) => String(c.id));
        const recs = claimed.map((c) => String(c.record_id));
        await q(FIRE_RECORDS, [ws, recs]);
        await q(FIRE_EVENTS, [ws, recs]);
        await q(FIRE_TIMERS, [ws, ids]);
        return claimed.length;
      });
      if (n === 0) return;
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
}
