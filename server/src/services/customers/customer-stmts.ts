/**
 * Statements that write customers inside another command's transaction: creating one from a
 * lead, attaching a record to one, its match keys and contact, its history and its pool
 * timers. Every statement is parameterised with explicit casts (PGlite and postgres.js).
 */
import type { LocalizedText } from '@closeloop/engine';
import { type CustomerKey, customerKeys } from '@closeloop/engine/customers';
import type { Stmt } from '../../db/client.ts';
import type { LeadFacts } from './facts.ts';

const TS = (n: number) => `to_timestamp($${n}::float8 / 1000)`;

export function customerEventStmt(
  workspaceId: string,
  customerId: string,
  type: string,
  actorId: string | null,
  now: number,
  detail: Record<string, unknown> = {},
): Stmt {
  return {
    text: `insert into customer_events (workspace_id, id, customer_id, type, actor_id, at, detail)
           values ($1, $2, $3, $4, $5, ${TS(6)}, $7::text::jsonb)`,
    params: [
      workspaceId,
      Bun.randomUUIDv7(),
      customerId,
      type,
      actorId,
      now,
      JSON.stringify(detail),
    ],
  };
}

export function insertKeysStmt(workspaceId: string, customerId: string, keys: CustomerKey[]): Stmt {
  return {
    text: `insert into customer_keys (workspace_id, kind, value, customer_id)
           select $1, k.kind, k.value, $2 from unnest($3::text[], $4::text[]) as k(kind, value)
           on conflict do nothing`,
    params: [workspaceId, customerId, keys.map((k) => k.kind), keys.map((k) => k.value)],
  };
}

/** The lead's contact, unless the customer already has a contact with its phone or e-mail. */
function insertContactStmt(
  workspaceId: string,
  customerId: string,
  facts: LeadFacts,
  now: number,
): Stmt | null {
  const c = facts.contact;
  if (!c.name && !c.phone && !c.email) return null;
  const keys = customerKeys({
    kind: 'person',
    name: '',
    phones: c.phone ? [c.phone] : [],
    emails: c.email ? [c.email] : [],
  });
  return {
    text: `insert into contacts (workspace_id, id, customer_id, name, phone, email, created_at)
           select $1, $2, $3, $4, $5, $6, ${TS(7)}
            where not exists (select 1 from customer_keys k
                               where k.workspace_id = $1 and k.customer_id = $3
                                 and (k.kind, k.value) in (select * from unnest($8::text[], $9::text[])))
              and not exists (select 1 from contacts o where o.workspace_id = $1
                                 and o.customer_id = $3 and o.name = $4 and $5::text is null
                                 and $6::text is null)`,
    params: [
      workspaceId,
      crypto.randomUUID(),
      customerId,
      c.name,
      c.phone,
      c.email,
      now,
      keys.map((k) => k.kind),
      keys.map((k) => k.value),
    ],
  };
}

export function linkRecordStmt(workspaceId: string, recordId: string, customerId: string): Stmt {
  return {
    text: 'update records set customer_id = $3 where workspace_id = $1 and id = $2',
    params: [workspaceId, recordId, customerId],
  };
}

export type NewCustomer = {
  id: string;
  facts: LeadFacts;
  ownerId: string | null;
  teamId: string | null;
  flagged: boolean;
  protectedUntil: number | null;
  now: number;
};

/** A new customer with its keys and first contact. */
export function createCustomerStmts(workspaceId: string, c: NewCustomer): Stmt[] {
  const f = c.facts;
  const stmts: Stmt[] = [
    {
      text: `insert into customers (workspace_id, id, kind, name, name_key, uscc, source, region,
               industry, owner_id, team_id, pool_state, claimed_at, protected_until, flagged,
               created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'owned',
               case when $10::text is null then null else ${TS(12)} end,
               ${TS(13)}, $14, ${TS(12)}, ${TS(12)})`,
      params: [
        workspaceId,
        c.id,
        f.kind,
        f.name.slice(0, 200),
        f.nameKey,
        f.uscc,
        f.source,
        f.region,
        f.industry,
        c.ownerId,
        c.teamId,
        c.now,
        c.protectedUntil,
        c.flagged,
      ],
    },
  ];
  const contact = insertContactStmt(workspaceId, c.id, f, c.now);
  if (contact) stmts.push(contact);
  stmts.push(insertKeysStmt(workspaceId, c.id, customerKeys(f)));
  return stmts;
}

/** A lead attached to an existing customer: its new contact and keys, the customer touched. */
export function attachLeadStmts(
  workspaceId: string,
  customerId: string,
  facts: LeadFacts,
  now: number,
): Stmt[] {
  const stmts: Stmt[] = [];
  const contact = insertContactStmt(workspaceId, customerId, facts, now);
  if (contact) stmts.push(contact);
  // only contact keys: the lead's own company name does not rename the customer
  const keys = customerKeys({ ...facts, kind: 'person', name: '' });
  stmts.push(insertKeysStmt(workspaceId, customerId, keys));
  stmts.push({
    text: `update customers set updated_at = ${TS(3)} where workspace_id = $1 and id = $2`,
    params: [workspaceId, customerId, now],
  });
  return stmts;
}

export function notifyUserStmt(
  workspaceId: string,
  userId: string,
  recordId: string | null,
  kind: string,
  message: LocalizedText,
  now: number,
): Stmt {
  return {
    text: `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
           values ($1, $2, $3, $4, $5, $6::text::jsonb, ${TS(7)})`,
    params: [
      workspaceId,
      crypto.randomUUID(),
      userId,
      recordId,
      kind,
      JSON.stringify(message),
      now,
    ],
  };
}

/** The outbox event of a 公海 warning: webhooks and the notification rules take it from there. */
export const POOL_WARNING_EVENT = 'customer.pool-warning';

/**
 * The outbox row of a warning that `customer` returns to the pool at `dueAt` unless its owner
 * follows up (delivered to webhooks subscribed to it and by `pool.warning` rules).
 */
export function poolWarningOutboxStmt(
  workspaceId: string,
  customer: { id: string; name: string; ownerId: string; teamId: string | null },
  dueAt: number,
  now: number,
): Stmt {
  return {
    text: `insert into outbox (workspace_id, id, record_id, event, payload, created_at)
           values ($1, $2, null, $3, $4::text::jsonb, ${TS(5)})`,
    params: [
      workspaceId,
      crypto.randomUUID(),
      POOL_WARNING_EVENT,
      JSON.stringify({
        customerId: customer.id,
        name: customer.name,
        ownerId: customer.ownerId,
        teamId: customer.teamId,
        reclaimAt: new Date(dueAt).toISOString(),
      }),
      now,
    ],
  };
}

export const POOL_TIMER_KINDS = ['pool.reclaim', 'pool.warn'] as const;
export type PoolTimerKind = (typeof POOL_TIMER_KINDS)[number];

/**
 * A pool timer for a customer. Its id names the customer, the kind and the due instant, so
 * arming the same timer twice inserts one row.
 */
export function poolTimerStmt(
  workspaceId: string,
  customerId: string,
  kind: PoolTimerKind,
  dueAt: number,
): Stmt {
  return {
    text: `insert into timers (workspace_id, id, record_id, stage, rung, kind, due_at)
           values ($1, $2, $3, 'pool', 0, $4, ${TS(5)}) on conflict do nothing`,
    params: [workspaceId, `${kind}:${customerId}:${Math.round(dueAt)}`, customerId, kind, dueAt],
  };
}

/** Cancels a customer's pending pool timers (released, reclaimed, merged away). */
export function cancelPoolTimersStmt(workspaceId: string, customerId: string): Stmt {
  return {
    text: `update timers set status = 'cancelled'
            where workspace_id = $1 and record_id = $2 and kind like 'pool.%'
              and status in ('pending', 'claimed')`,
    params: [workspaceId, customerId],
  };
}
