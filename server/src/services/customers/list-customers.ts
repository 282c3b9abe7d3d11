/**
 * Customers the caller may see, most recently changed first, with filters and cursor
 * pagination on (updated_at, id); the pool view is the same query over pool customers with
 * phones masked when the pool's rules say so.
 */
import { phoneKey } from '@closeloop/engine/customers';
import { assertWorksRecords } from '../core/access.ts';
import type { Ctx, Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import {
  CUSTOMER_COLUMNS,
  type CustomerView,
  customerViewOf,
  customerVisibilitySql,
} from './customer-view.ts';
import { loadPoolSettings } from './pool-settings.ts';

export type ListCustomersInput = {
  q?: string;
  ownerId?: string;
  poolState?: 'owned' | 'pool';
  flagged?: boolean;
  source?: string;
  region?: string;
  industry?: string;
  limit?: number;
  cursor?: string;
};

export type CustomerPage = { items: CustomerView[]; nextCursor: string | null };

function decodeCursor(raw: string): { at: number; id: string } {
  const i = raw.indexOf('~');
  const at = Number(raw.slice(0, i));
  if (i < 1 || !Number.isFinite(at)) {
    throw new Invalid('invalid-input', 'the cursor is not one this server gave out', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return { at, id: raw.slice(i + 1) };
}

async function queryCustomers(
  ctx: Ctx,
  input: ListCustomersInput,
  mask: boolean,
): Promise<CustomerPage> {
  assertWorksRecords(ctx.user);
  const params: unknown[] = [ctx.user.workspaceId];
  const where = ['c.workspace_id = $1', 'c.merged_into is null'];
  const add = (cond: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(cond(params.length));
  };
  const vis = customerVisibilitySql(ctx.user, params.length + 1);
  if (vis) {
    params.push(...vis.params);
    where.push(vis.sql);
  }
  if (input.poolState) add((n) => `c.pool_state = $${n}`, input.poolState);
  if (input.ownerId) add((n) => `c.owner_id = $${n}`, input.ownerId);
  if (input.flagged !== undefined) add((n) => `c.flagged = $${n}`, input.flagged);
  if (input.source) add((n) => `c.source = $${n}`, input.source);
  if (input.region) add((n) => `c.region = $${n}`, input.region);
  if (input.industry) add((n) => `c.industry = $${n}`, input.industry);
  const q = input.q?.trim();
  if (q) {
    const phone = phoneKey(q);
    params.push(`%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`, phone ?? '');
    const n = params.length;
    where.push(`(c.name ilike $${n - 1} or exists (select 1 from customer_keys k
      where k.workspace_id = c.workspace_id and k.customer_id = c.id and k.kind = 'phone'
        and k.value = $${n}))`);
  }
  if (input.cursor) {
    const cur = decodeCursor(input.cursor);
    params.push(cur.at, cur.id);
    const n = params.length;
    where.push(`(c.updated_at, c.id) < (to_timestamp($${n - 1}::float8 / 1000), $${n}::text)`);
  }
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  params.push(limit + 1);
  const rows = await ctx.db.query(
    `select ${CUSTOMER_COLUMNS} from customers c where ${where.join(' and ')}
      order by c.updated_at desc, c.id desc limit $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map((r) => customerViewOf(r, mask));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? `${last.updatedAt}~${last.id}` : null,
  };
}

export const listCustomers: Verb<ListCustomersInput, CustomerPage> = async ({ ctx, input }) => {
  const { rules } = await loadPoolSettings(ctx.db.query, ctx.user.workspaceId, null);
  return queryCustomers(ctx, input, rules.maskPhones);
};

/** The 公海: customers nobody owns, newest first, phones masked until claimed. */
export const listPoolCustomers: Verb<
  Omit<ListCustomersInput, 'poolState' | 'ownerId'>,
  CustomerPage
> = async ({ ctx, input }) => {
  const { rules } = await loadPoolSettings(ctx.db.query, ctx.user.workspaceId, null);
  return queryCustomers(ctx, { ...input, poolState: 'pool' }, rules.maskPhones);
};
