/**
 * Chat bots and notification rules: the group robots a workspace pasted (企业微信 / 钉钉 /
 * 飞书), which events go where, and the per-channel queue the pump turns into deliveries
 * (one note, or a digest when the channel's bucket ran dry). See docs/delivery-bots.md.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const CHAT_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;

/** A group robot: its webhook URL, secret and keyword, and whether it may be sent to. */
export const chatChannels = pgTable(
  'chat_channels',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    kind: text('kind', { enum: CHAT_KINDS }).notNull(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    /** 钉钉 加签 / 飞书 signing secret. */
    secret: text('secret'),
    /** A custom keyword the robot requires in every message. */
    keyword: text('keyword'),
    /** The team whose group this is (its managers may manage it); null: the workspace's. */
    teamId: text('team_id'),
    /** The admin's on/off switch. */
    enabled: boolean('enabled').notNull().default(true),
    /** Set when a permanent answer (bad key, signature, IP, keyword) disabled it. */
    disabledReason: text('disabled_reason'),
    disabledAt: ts('disabled_at'),
    failingSince: ts('failing_since'),
    /** The token bucket (`{ tokens, at }`, bots/bucket.ts), shared by every process. */
    rateState: jsonb('rate_state'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** The event kinds a notification rule routes (notification_rules.event; the API's enum). */
export const NOTIFY_EVENTS = [
  'lead.assigned',
  'sla.breached',
  'sla.escalated',
  'record.handover',
  'record.won',
  'record.lost',
  // a customer returns to the 公海 pool soon unless its owner follows up (team-scoped)
  'pool.warning',
  // a webhook endpoint or chat channel stopped: workspace-wide, admins only
  'delivery.disabled',
] as const;
export const NOTIFY_TARGETS = ['channel', 'webhook', 'in-app'] as const;

/** One rule: an event kind, where it goes, for which team or SOP, whom to @. */
export const notificationRules = pgTable(
  'notification_rules',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    event: text('event', { enum: NOTIFY_EVENTS }).notNull(),
    target: text('target', { enum: NOTIFY_TARGETS }).notNull(),
    channelId: text('channel_id'),
    webhookId: text('webhook_id'),
    /** Scope: only records of this team / SOP (null: any). */
    teamId: text('team_id'),
    sopId: text('sop_id'),
    mentionOwner: boolean('mention_owner').notNull().default(false),
    mentionManager: boolean('mention_manager').notNull().default(false),
    locale: text('locale', { enum: ['zh-CN', 'en'] })
      .notNull()
      .default('zh-CN'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('notification_rules_event_idx').on(t.workspaceId, t.event),
  ],
);

/** Notes waiting for their channel's next token; `delivery_id` once a delivery carries them. */
export const chatQueue = pgTable(
  'chat_queue',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    channelId: text('channel_id').notNull(),
    /** The outbox row it came from: a row fanned out twice queues its note once. */
    sourceId: text('source_id').notNull(),
    locale: text('locale').notNull(),
    note: jsonb('note').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    deliveryId: text('delivery_id'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('chat_queue_source_uq').on(t.workspaceId, t.channelId, t.sourceId),
    index('chat_queue_waiting_idx')
      .on(t.workspaceId, t.channelId, t.createdAt)
      .where(sql`delivery_id is null`),
  ],
);

/** The HMAC key a workspace's signed links (`/l/<token>`) are signed with, made on first use. */
export const linkKeys = pgTable(
  'link_keys',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    secret: text('secret').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
