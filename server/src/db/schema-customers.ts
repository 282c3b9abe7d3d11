/**
 * Customers (the identity every record belongs to), their contacts and match keys, the 公海
 * public pool's rules and the customer history (claims, releases, reclaims, merges).
 * workspace_id leads every key and index, as in schema.ts.
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
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const customers = pgTable(
  'customers',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    kind: text('kind', { enum: ['company', 'person'] }).notNull(),
    name: text('name').notNull(),
    /** companyKey of a company, the folded name of a person: what trigram matching compares. */
    nameKey: text('name_key').notNull().default(''),
    uscc: text('uscc'),
    source: text('source'),
    region: text('region'),
    industry: text('industry'),
    ownerId: text('owner_id'),
    teamId: text('team_id'),
    /** `owned` (someone works it) or `pool` (in the 公海, anyone may claim it). */
    poolState: text('pool_state', { enum: ['owned', 'pool'] })
      .notNull()
      .default('owned'),
    claimedAt: ts('claimed_at'),
    protectedUntil: ts('protected_until'),
    /** Who owned it before it went to the pool, and when (the cool-down). */
    previousOwnerId: text('previous_owner_id'),
    releasedAt: ts('released_at'),
    /** Created anyway beside a possible duplicate: shown in the duplicates queue. */
    flagged: boolean('flagged').notNull().default(false),
    /** A tombstone: this customer was merged into that one (kept so a merge can be undone). */
    mergedInto: text('merged_into'),
    mergedAt: ts('merged_at'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customers_owner_idx').on(t.workspaceId, t.ownerId, t.updatedAt),
    index('customers_pool_idx')
      .on(t.workspaceId, t.poolState, t.updatedAt)
      .where(sql`merged_into is null`),
    // the trigram index on name_key is hand-written in the migration (it needs pg_trgm first)
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    name: text('name'),
    title: text('title'),
    phone: text('phone'),
    email: text('email'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('contacts_customer_idx').on(t.workspaceId, t.customerId),
  ],
);

/** Normalised match keys (see the engine's customerKeys): one row per key per customer. */
export const customerKeys = pgTable(
  'customer_keys',
  {
    workspaceId: text('workspace_id').notNull(),
    kind: text('kind', { enum: ['uscc', 'phone', 'email', 'company', 'pinyin'] }).notNull(),
    value: text('value').notNull(),
    customerId: text('customer_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.value, t.customerId] }),
    index('customer_keys_customer_idx').on(t.workspaceId, t.customerId),
  ],
);

/** Pool rules: `default` for the workspace, `team:<id>` for a team's override. */
export const pools = pgTable(
  'pools',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    teamId: text('team_id'),
    rules: jsonb('rules').notNull(),
    /** Duplicate policy per entry channel (manual, api, import, form, push). */
    policies: jsonb('policies').notNull().default({}),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** Append-only customer history: claims, releases, reclaims, warnings, merges, attaches. */
export const customerEvents = pgTable(
  'customer_events',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    type: text('type').notNull(),
    actorId: text('actor_id'),
    at: ts('at').notNull(),
    detail: jsonb('detail').notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customer_events_customer_idx').on(t.workspaceId, t.customerId, t.at),
    // a rep's claims today (the daily claim limit)
    index('customer_events_actor_idx').on(t.workspaceId, t.actorId, t.type, t.at),
  ],
);

/** One merge: what moved from the merged customer to the survivor, so it can be undone. */
export const customerMerges = pgTable(
  'customer_merges',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    survivorId: text('survivor_id').notNull(),
    mergedId: text('merged_id').notNull(),
    /** The rows as they were before the merge (customers, contacts, keys, record links). */
    before: jsonb('before').notNull(),
    by: text('by').notNull(),
    at: ts('at').notNull(),
    undoneAt: ts('undone_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('customer_merges_merged_idx').on(t.workspaceId, t.mergedId, t.at),
  ],
);
