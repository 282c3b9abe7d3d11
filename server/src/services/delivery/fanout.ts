/**
 * The fan-out: claims a batch of pending outbox rows (FOR UPDATE SKIP LOCKED, across
 * workspaces, oldest first), runs every sink over them and inserts the deliveries they ask
 * for, and marks the rows sent — all in one transaction, so an outbox row is fanned out
 * exactly once and a crash leaves it pending. Deliveries are keyed by target and message id,
 * so a second fan-out of the same row could not duplicate them anyway.
 */
import type { Db } from '../../db/client.ts';
import { SINKS } from './sinks.ts';
import type { NewDelivery, OutboxRow, Sink } from './transport.ts';

const msOf = (v: unknown): number =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number(v);

/** Fans out one batch; returns how many outbox rows it took. */
export async function fanOutOnce(
  db: Db,
  batch: number,
  sinks: readonly Sink[] = SINKS,
): Promise<number> {
  // the common case, nothing waiting, in one statement instead of a transaction
  const waiting = await db.query(`select 1 from outbox where status = 'pending' limit 1`);
  if (!waiting.length) return 0;
  return db.transaction(async (q) => {
    const rows = await q(
      `select workspace_id, id, record_id, event, payload, created_at from outbox
        where status = 'pending' order by created_at limit $1 for update skip locked`,
      [batch],
    );
    if (!rows.length) return 0;
    const claimed: OutboxRow[] = rows.map((r) => ({
      workspaceId: String(r.workspace_id),
      id: String(r.id),
      recordId: typeof r.record_id === 'string' ? r.record_id : null,
      event: String(r.event),
      payload:
        r.payload && typeof r.payload === 'object' ? (r.payload as Record<string, unknown>) : {},
      createdAt: msOf(r.created_at),
    }));
    const wanted: NewDelivery[] = [];
    for (const sink of sinks) wanted.push(...(await sink.plan(q, claimed)));
    if (wanted.length) await insertDeliveries(q, wanted);
    await q(
      `update outbox o set status = 'sent', attempts = o.attempts + 1
         from unnest($1::text[], $2::text[]) as x(w, i)
        where o.workspace_id = x.w and o.id = x.i`,
      [claimed.map((c) => c.workspaceId), claimed.map((c) => c.id)],
    );
    return claimed.length;
  });
}

/** Inserts deliveries (pending and due now, or held); a message already there is skipped. */
export async function insertDeliveries(
  q: (text: string, params?: unknown[]) => Promise<unknown[]>,
  list: readonly NewDelivery[],
): Promise<void> {
  await q(
    `insert into deliveries (workspace_id, id, target_kind, target_id, message_id, outbox_id,
                             event_type, data, event_at, status)
     select x.w, x.i, x.k, x.t, x.m, x.o, x.e, x.d::jsonb,
            to_timestamp(x.at::float8 / 1000), x.s
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                   $7::text[], $8::text[], $9::text[], $10::text[])
            as x(w, i, k, t, m, o, e, d, at, s)
     on conflict (workspace_id, target_kind, target_id, message_id) do nothing`,
    [
      list.map((d) => d.workspaceId),
      list.map(() => crypto.randomUUID()),
      list.map((d) => d.targetKind),
      list.map((d) => d.targetId),
      list.map((d) => d.messageId),
      list.map((d) => d.outboxId),
      list.map((d) => d.eventType),
      list.map((d) => JSON.stringify(d.data)),
      list.map((d) => String(d.timestamp)),
      list.map((d) => (d.held ? 'held' : 'pending')),
    ],
  );
}
