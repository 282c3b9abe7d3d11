/**
 * Outbound delivery: webhook endpoints, one deliveries table shared by every target kind
 * (webhooks and chat bots), and the log of each attempt. See docs/delivery.md.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A Standard Webhooks endpoint an admin registered. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Dot-separated event types it wants; empty means every event. */
    eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
    /** The admin's on/off switch. */
    enabled: boolean('enabled').notNull().default(true),
    /** `whsec_<base64>`; the HMAC key is the decoded base64 part. */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, also signing until `previous_valid_until`. */
    previousSecret: text('previous_secret'),
    previousValidUntil: ts('previous_valid_until'),
    /** First failure of the current unbroken run of failures; null when the last send worked. */
    failingSince: ts('failing_since'),
    /** Set when delivery disabled the endpoint (410, five days failing); cleared on re-enable. */
    disabledReason: text('disabled_reason'),
    disabledAt: ts('disabled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'held'] as const;

/** One message to one target (any kind), retried until delivered, failed or held. */
export const deliveries = pgTable(
  'deliveries',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    /** Stable across retries: the `webhook-id` header (`msg_…`). */
    messageId: text('message_id').notNull(),
    outboxId: text('outbox_id'),
    eventType: text('event_type').notNull(),
    data: jsonb('data').notNull(),
    eventAt: ts('event_at').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    claimedBy: text('claimed_by'),
    claimedUntil: ts('claimed_until'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    // a message reaches each target once, however often the fan-out runs
    uniqueIndex('deliveries_message_uq').on(t.workspaceId, t.targetKind, t.targetId, t.messageId),
    index('deliveries_target_idx').on(t.workspaceId, t.targetKind, t.targetId, t.createdAt),
    // the worker scans every workspace for due deliveries (like timers_due_idx)
    index('deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** The log: one row per HTTP exchange (or refusal before one). */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    deliveryId: text('delivery_id').notNull(),
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    attempt: integer('attempt').notNull(),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** Method, URL, headers (signatures cut) and the start of the body. */
    request: text('request').notNull(),
    responseStatus: integer('response_status'),
    responseExcerpt: text('response_excerpt').notNull().default(''),
    /** delivered | retry | permanent */
    outcome: text('outcome').notNull(),
    error: text('error'),
    nextAttemptAt: ts('next_attempt_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('delivery_attempts_target_idx').on(
      t.workspaceId,
      t.targetKind,
      t.targetId,
      t.startedAt,
      t.id,
    ),
  ],
);
