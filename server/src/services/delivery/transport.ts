/**
 * The delivery contract: what every outbound target kind (signed webhooks, 企业微信 / 钉钉 /
 * 飞书 group bots) plugs into. The delivery core (fan-out, worker, retries, log) knows nothing
 * of a platform; a transport knows nothing of the database. One HTTP exchange per attempt:
 *
 *   outbox row ─ sink ─▶ delivery row (target kind + id, message) ─ worker ─▶ transport.build
 *   ─▶ fetch (outside any transaction, 15 s, no redirects) ─▶ transport.classify ─▶ outcome
 *
 * The worker owns the schedule: `retry` is retried on the published schedule (or at
 * `retryAfterMs`), `permanent` disables the target (its later messages are held for replay).
 */

/** Every kind of target a delivery row may name. */
export const TARGET_KINDS = ['webhook', 'wecom', 'dingtalk', 'feishu'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** One message to one target, as the transport receives it. Stable across retries. */
export type DeliveryMessage = {
  /** Stable id (`msg_…`): the Standard Webhooks `webhook-id`, the same on every retry. */
  id: string;
  workspaceId: string;
  /** Dot-separated event type: `record.created`, `record.stage-changed`, `webhook.test`, … */
  type: string;
  /** When the event happened, epoch ms (the outbox row's time). */
  timestamp: number;
  /** The event's data (for record events: recordId, sopId, stages, status, ownerId, version). */
  data: Record<string, unknown>;
};

/** The message id every sink gives an outbox row's deliveries (stable across retries). */
export const messageIdOf = (outboxId: string): string => `msg_${outboxId}`;

/** The request a transport built for one attempt; the worker sends it as is. */
export type BuiltRequest = {
  url: string;
  /** Always POST today; named so a future transport can say otherwise. */
  method: 'POST';
  headers: Record<string, string>;
  /** The exact bytes sent (what a signature covers). */
  body: string;
};

/** What one HTTP exchange gave back (the worker reads at most `BODY_EXCERPT_BYTES` of it). */
export type HttpResponse = {
  status: number;
  headers: Headers;
  /** The body excerpt, cut to `BODY_EXCERPT_BYTES` bytes. */
  body: string;
};

/** How one exchange ended. */
export type Outcome =
  | { kind: 'delivered'; status: number; excerpt: string }
  /** Try again: on the schedule, or not before `retryAfterMs` from now when the target said. */
  | { kind: 'retry'; status: number | null; excerpt: string; retryAfterMs?: number }
  /** Will never work as configured (gone, bad key, IP not allowed): disables the target. */
  | { kind: 'permanent'; status: number | null; excerpt: string; reason: string };

/** How much of a response body is kept in the log and handed to `classify`. */
export const BODY_EXCERPT_BYTES = 2048;

/**
 * One target kind. `T` is the target's own configuration (URL, secrets…), loaded by the core
 * from the target's table through `load`.
 */
export type Transport<T> = {
  kind: TargetKind;
  /** The target's configuration, or null when it no longer exists (the message is dropped). */
  load(q: Query, workspaceId: string, targetId: string): Promise<TargetState<T> | null>;
  /** Builds the request for one attempt at `now` (epoch ms; signatures are timed by it). */
  build(target: T, message: DeliveryMessage, now: number): BuiltRequest | Promise<BuiltRequest>;
  /** Reads a response; a network error or timeout never reaches here (it is always `retry`). */
  classify(res: HttpResponse, now: number): Outcome;
  /**
   * After each exchange, in the transaction that records it: `ok` clears the target's failing
   * run, a failure starts one if none is running. Returns when the running failure started
   * (epoch ms), null when none; the core disables the target once that is five days ago.
   * `offsetMs` is the workspace's test-clock offset (0 unless the test clock is on): a run
   * starts at the database's now plus it.
   */
  health(
    q: Query,
    workspaceId: string,
    targetId: string,
    ok: boolean,
    offsetMs: number,
  ): Promise<number | null>;
  /**
   * Disables the target (a `permanent` outcome or five days failing), with the reason, and
   * tells its people in the app. False when it was disabled already (nobody is told twice).
   */
  disable(q: Query, workspaceId: string, targetId: string, reason: string): Promise<boolean>;
};

/** A loaded target: its config and whether it may be sent to now. */
export type TargetState<T> = {
  config: T;
  /** False when disabled or switched off: its messages are held for replay. */
  enabled: boolean;
  /** A human label for admin notices (the URL's host, the channel's name). */
  label: string;
};

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent
 * or unreadable. Capped at a day.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  const cap = 24 * 3600_000;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, cap);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), cap);
}

// ---- fan-out sinks (the list is in sinks.ts) ----

/** One claimed outbox row. */
export type OutboxRow = {
  workspaceId: string;
  id: string;
  recordId: string | null;
  event: string;
  payload: Record<string, unknown>;
  createdAt: number;
};

/** A delivery row a sink asks for; the fan-out writes it (pending, due now). */
export type NewDelivery = {
  workspaceId: string;
  targetKind: TargetKind;
  targetId: string;
  /** Stable message id (`msg_<outbox id>` for outbox rows): the `webhook-id`. */
  messageId: string;
  /** The outbox row it came from (null for test sends). */
  outboxId: string | null;
  eventType: string;
  /** The event's data; the transport renders `{ type, timestamp, data }` from it. */
  data: Record<string, unknown>;
  /** When the event happened, epoch ms. */
  timestamp: number;
  /** Held: the target is disabled; kept for replay, not sent. */
  held: boolean;
};

export type Query = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** Turns claimed outbox rows into delivery rows, inside the fan-out's transaction. */
export type Sink = {
  name: string;
  plan(q: Query, rows: OutboxRow[]): Promise<NewDelivery[]>;
};
