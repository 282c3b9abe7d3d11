/**
 * Merging two customers and undoing it. The survivor is the one with the furthest record,
 * then the latest activity, then the oldest (unless the manager names it); the other's
 * records, contacts, keys, history and pool timers move to it in one transaction, and it
 * stays as a tombstone (`merged_into`) with a snapshot of what moved, so the merge can be
 * undone. A dry run reads the same plan and writes nothing. Both are in the audit log.
 */
import { pickSurvivor } from '@closeloop/engine';
import type { Row } from '../../db/client.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.ts';
import { toMs } from '../sops/sop-common.ts';
import { customerEventStmt } from './customer-stmts.ts';
import { canManageCustomer, refOf } from './customer-view.ts';
import { CustomerMerged } from './get-customer.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

/** Customer fields a manager may take from either side. */
export const MERGE_FIELDS = ['name', 'kind', 'uscc', 'source', 'region', 'industry'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
const COLUMN: Record<MergeField, string> = {
  name: 'name',
  kind: 'kind',
  uscc: 'uscc',
  source: 'source',
  region: 'region',
  industry: 'industry',
};

export type MergeCustomersInput = {
  customerIds: [string, string];
  /** Overrides the survivor rule. */
  survivorId?: string;
  /** Per field, the customer whose value the survivor keeps (default: the survivor's). */
  pick?: Partial<Record<MergeField, string>>;
  dryRun?: boolean;
};

export type MergePlan = {
  mergeId: string | null;
  dryRun: boolean;
  survivorId: string;
  mergedId: string;
  /** The survivor's fields after the merge. */
  fields: Record<MergeField, string | null>;
  moves: { records: string[]; contacts: string[]; keys: number; events: number; timers: number };
};

const STAGE_RANK = `coalesce((select max(case r.status when 'won' then 3 when 'open' then 2
  when 'done' then 2 else 1 end) from records r where r.workspace_id = c.workspace_id
  and r.customer_id = c.id), 0)`;

async function lockPair(q: Q, ws: string, ids: string[]) {
  const rows = await q(
    `select to_jsonb(c) as row, c.id, c.owner_id, c.team_id, c.pool_state, c.merged_into,
            c.created_at, ${STAGE_RANK} as stage_rank,
            greatest(c.updated_at, (select max(r.updated_at) from records r
              where r.workspace_id = c.workspace_id and r.customer_id = c.id)) as last_at
       from customers c where c.workspace_id = $1 and c.id = any($2::text[])
      order by c.id for update`,
    [ws, ids],
  );
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new NotFound('customer', id);
    if (typeof row.merged_into === 'string') throw new CustomerMerged(id, row.merged_into);
  }
  return rows;
}

async function movable(q: Q, ws: string, id: string) {
  const [records, contacts, keys, events, timers] = await Promise.all([
    q('select id from records where workspace_id = $1 and customer_id = $2 order by id', [ws, id]),
    q('select id from contacts where workspace_id = $1 and customer_id = $2 order by id', [ws, id]),
    q('select kind, value from customer_keys where workspace_id = $1 and customer_id = $2', [
      ws,
      id,
    ]),
    q('select id from customer_events where workspace_id = $1 and customer_id = $2', [ws, id]),
    q(
      `select id, status from timers where workspace_id = $1 and record_id = $2
          and kind like 'pool.%' and status in ('pending', 'claimed')`,
      [ws, id],
    ),
  ]);
  const ids = (rows: Row[]) => rows.map((r) => String(r.id));
  return {
    records: ids(records),
    contacts: ids(contacts),
    keys: keys.map((k) => ({ kind: String(k.kind), value: String(k.value) })),
    events: ids(events),
    timers: timers.map((t) => ({ id: String(t.id), status: String(t.status) })),
  };
}

export const mergeCustomers: Verb<MergeCustomersInput, MergePlan> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin', 'manager'], 'merging customers');
  const ws = ctx.user.workspaceId;
  const ids = [...new Set(input.customerIds)];
  if (ids.length !== 2) {
    throw new Invalid('invalid-input', 'name two different customers', {
      errors: [{ path: 'customerIds', message: 'two different customers' }],
    });
  }
  const run = async (q: Q): Promise<MergePlan> => {
    const rows = await lockPair(q, ws, ids);
    for (const r of rows) {
      if (!canManageCustomer(ctx.user, refOf(r)) && r.pool_state !== 'pool') {
        throw new Forbidden('you may merge only customers of your teams');
      }
    }
    const survivor = input.survivorId
      ? rows.find((r) => r.id === input.survivorId)
      : pickSurvivor(
          rows.map((r) => ({
            row: r,
            id: String(r.id),
            stageRank: Number(r.stage_rank),
            lastActivityAt: toMs(r.last_at) ?? 0,
            createdAt: toMs(r.created_at) ?? 0,
          })),
        ).row;
    if (!survivor) throw new Invalid('invalid-input', 'the survivor must be one of the two');
    const merged = rows.find((r) => r.id !== survivor.id);
    if (!merged) throw new Invalid('invalid-input', 'name two different customers');
    const sid = String(survivor.id);
    const mid = String(merged.id);
    const rowOf = (r: Row) => (r.row && typeof r.row === 'object' ? (r.row as Row) : {});
    const fields = {} as Record<MergeField, string | null>;
    for (const f of MERGE_FIELDS) {
      const from = input.pick?.[f];
      if (from !== undefined && from !== sid && from !== mid) {
        throw new Invalid('invalid-input', `pick.${f} must name one of the two customers`);
      }
      const v = rowOf(from === mid ? merged : survivor)[COLUMN[f]];
      fields[f] = typeof v === 'string' ? v : null;
    }
    const moving = await movable(q, ws, mid);
    const survivorKeys = await q(
      'select kind, value from customer_keys where workspace_id = $1 and customer_id = $2',
      [ws, sid],
    );
    const had = new Set(survivorKeys.map((k) => `${k.kind}\u0000${k.value}`));
    const addedKeys = moving.keys.filter((k) => !had.has(`${k.kind}\u0000${k.value}`));
    const plan: MergePlan = {
      mergeId: null,
      dryRun: input.dryRun === true,
      survivorId: sid,
      mergedId: mid,
      fields,
      moves: {
        records: moving.records,
        contacts: moving.contacts,
        keys: addedKeys.length,
        events: moving.events.length,
        timers: moving.timers.length,
      },
    };
    if (input.dryRun) return plan;
    const mergeId = crypto.randomUUID();
    const before = { survivor: rowOf(survivor), merged: rowOf(merged), ...moving, addedKeys };
    const p = [ws, mid, sid];
    await q('update records set customer_id = $3 where workspace_id = $1 and customer_id = $2', p);
    await q('update contacts set customer_id = $3 where workspace_id = $1 and customer_id = $2', p);
    await q(
      'update customer_events set customer_id = $3 where workspace_id = $1 and customer_id = $2',
      p,
    );
    await q(
      `insert into customer_keys (workspace_id, kind, value, customer_id)
       select workspace_id, kind, value, $3 from customer_keys where workspace_id = $1 and customer_id = $2
       on conflict do nothing`,
      p,
    );
    await q('delete from customer_keys where workspace_id = $1 and customer_id = $2', [ws, mid]);
    await q(
      `update timers set status = 'cancelled' where workspace_id = $1 and record_id = $2
          and kind like 'pool.%' and status in ('pending', 'claimed')`,
      [ws, mid],
    );
    await q(
      `update customers set name = $3, kind = $4, uscc = $5, source = $6, region = $7, industry = $8,
              flagged = false, version = version + 1, updated_at = to_timestamp($9::float8 / 1000)
        where workspace_id = $1 and id = $2`,
      [
        ws,
        sid,
        fields.name ?? '',
        fields.kind ?? 'company',
        fields.uscc,
        fields.source,
        fields.region,
        fields.industry,
        ctx.now,
      ],
    );
    await q(
      `update customers set merged_into = $3, merged_at = to_timestamp($4::float8 / 1000),
              flagged = false, version = version + 1, updated_at = to_timestamp($4::float8 / 1000)
        where workspace_id = $1 and id = $2`,
      [ws, mid, sid, ctx.now],
    );
    await q(
      `insert into customer_merges (workspace_id, id, survivor_id, merged_id, before, by, at)
       values ($1, $2, $3, $4, $5::text::jsonb, $6, to_timestamp($7::float8 / 1000))`,
      [ws, mergeId, sid, mid, JSON.stringify(before), ctx.user.id, ctx.now],
    );
    const e = customerEventStmt(ws, sid, 'customer.merged', ctx.user.id, ctx.now, {
      mergeId,
      mergedId: mid,
    });
    await q(e.text, e.params);
    const a = auditBy(
      ctx,
      'customer.merged',
      { type: 'customer', id: sid },
      {
        mergeId,
        mergedId: mid,
        records: moving.records.length,
      },
    );
    await q(a.text, a.params);
    return { ...plan, mergeId };
  };
  return input.dryRun ? run(ctx.db.query) : ctx.db.transaction(run);
};

/** Puts a customer row back as a snapshot (`to_jsonb(c)`) had it, with a newer version. */
const RESTORE_ROW = `update customers c set (kind, name, name_key, uscc, source, region, industry, owner_id,
      team_id, pool_state, claimed_at, protected_until, previous_owner_id, released_at,
      flagged, merged_into, merged_at, updated_at, version) =
    (select b.kind, b.name, b.name_key, b.uscc, b.source, b.region, b.industry, b.owner_id,
      b.team_id, b.pool_state, b.claimed_at, b.protected_until, b.previous_owner_id,
      b.released_at, b.flagged, b.merged_into, b.merged_at, b.updated_at, c.version + 1
       from jsonb_populate_record(null::customers, $3::text::jsonb) b)
  where c.workspace_id = $1 and c.id = $2`;

export type UnmergeResult = { mergeId: string; survivorId: string; restoredId: string };

/**
 * Undoes the latest merge of a merged-away customer: its records, contacts, keys, history and
 * timers go back, the survivor's fields return to what they were, the tombstone lives again.
 * Records and contacts added to the survivor after the merge stay with the survivor.
 */
export const unmergeCustomer: Verb<{ customerId: string }, UnmergeResult> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin', 'manager'], 'undoing a merge');
  const ws = ctx.user.workspaceId;
  return ctx.db.transaction(async (q) => {
    const m = (
      await q(
        `select id, survivor_id, before from customer_merges
          where workspace_id = $1 and merged_id = $2 and undone_at is null
          order by at desc limit 1`,
        [ws, input.customerId],
      )
    )[0];
    if (!m) {
      const exists = await q('select 1 from customers where workspace_id = $1 and id = $2', [
        ws,
        input.customerId,
      ]);
      if (exists.length === 0) throw new NotFound('customer', input.customerId);
      throw new Conflict('merge-not-undoable', 'this customer has no merge to undo');
    }
    const sid = String(m.survivor_id);
    const rows = await q(
      `select id, owner_id, team_id, pool_state, merged_into from customers
        where workspace_id = $1 and id = any($2::text[]) order by id for update`,
      [ws, [sid, input.customerId]],
    );
    const survivor = rows.find((r) => r.id === sid);
    const merged = rows.find((r) => r.id === input.customerId);
    if (!survivor || !merged || merged.merged_into !== sid || survivor.merged_into !== null) {
      throw new Conflict('merge-not-undoable', 'the survivor was merged or changed since');
    }
    if (!canManageCustomer(ctx.user, refOf(survivor)) && survivor.pool_state !== 'pool') {
      throw new Forbidden('you may undo merges only for customers of your teams');
    }
    const before = parseBefore(m.before);
    const mid = input.customerId;
    await q(
      `update records set customer_id = $2 where workspace_id = $1 and customer_id = $3
          and id = any($4::text[])`,
      [ws, mid, sid, before.records],
    );
    await q(
      `update contacts set customer_id = $2 where workspace_id = $1 and customer_id = $3
          and id = any($4::text[])`,
      [ws, mid, sid, before.contacts],
    );
    await q(
      `update customer_events set customer_id = $2 where workspace_id = $1 and customer_id = $3
          and id = any($4::text[])`,
      [ws, mid, sid, before.events],
    );
    const kinds = (ks: Array<{ kind: string; value: string }>) => [
      ks.map((k) => k.kind),
      ks.map((k) => k.value),
    ];
    await q(
      `delete from customer_keys where workspace_id = $1 and customer_id = $2
          and (kind, value) in (select * from unnest($3::text[], $4::text[]))`,
      [ws, sid, ...kinds(before.addedKeys)],
    );
    await q(
      `insert into customer_keys (workspace_id, kind, value, customer_id)
       select $1, k.kind, k.value, $2 from unnest($3::text[], $4::text[]) as k(kind, value)
       on conflict do nothing`,
      [ws, mid, ...kinds(before.keys)],
    );
    await q(
      `update timers t set status = x.status from unnest($2::text[], $3::text[]) as x(id, status)
        where t.workspace_id = $1 and t.id = x.id and t.status = 'cancelled'`,
      [
        ws,
        before.timers.map((t) => t.id),
        before.timers.map((t) => (t.status === 'claimed' ? 'pending' : t.status)),
      ],
    );
    // both rows exactly as they were, but a newer version
    for (const [id, row] of [
      [sid, before.survivor],
      [mid, before.merged],
    ] as const) {
      await q(RESTORE_ROW, [ws, id, JSON.stringify(row)]);
    }
    await q(
      `update customer_merges set undone_at = to_timestamp($3::float8 / 1000)
        where workspace_id = $1 and id = $2`,
      [ws, m.id, ctx.now],
    );
    const e = customerEventStmt(ws, sid, 'customer.unmerged', ctx.user.id, ctx.now, {
      mergeId: m.id,
      restoredId: mid,
    });
    await q(e.text, e.params);
    const a = auditBy(
      ctx,
      'customer.unmerged',
      { type: 'customer', id: mid },
      {
        mergeId: m.id,
        survivorId: sid,
      },
    );
    await q(a.text, a.params);
    return { mergeId: String(m.id), survivorId: sid, restoredId: mid };
  });
};

type Before = {
  survivor: Row;
  merged: Row;
  records: string[];
  contacts: string[];
  events: string[];
  keys: Array<{ kind: string; value: string }>;
  addedKeys: Array<{ kind: string; value: string }>;
  timers: Array<{ id: string; status: string }>;
};

function parseBefore(raw: unknown): Before {
  const o = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<Before> | null;
  const arr = <T>(v: T[] | undefined) => (Array.isArray(v) ? v : []);
  return {
    survivor: o?.survivor ?? {},
    merged: o?.merged ?? {},
    records: arr(o?.records),
    contacts: arr(o?.contacts),
    events: arr(o?.events),
    keys: arr(o?.keys),
    addedKeys: arr(o?.addedKeys),
    timers: arr(o?.timers),
  };
}
