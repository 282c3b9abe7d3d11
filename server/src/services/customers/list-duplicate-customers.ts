/**
 * The duplicates queue for managers: pairs of live customers that share a hard key or an
 * exact company key (a key shared by more than 20 customers is ignored), and customers
 * created anyway beside a similar one (flagged). Only pairs the caller may merge are listed.
 */
import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import {
  CUSTOMER_COLUMNS,
  type CustomerView,
  canManageCustomer,
  customerViewOf,
  refOf,
} from './customer-view.ts';
import { MAX_KEY_FANOUT } from './resolve-customer.ts';

export type DuplicatePair = {
  a: CustomerView;
  b: CustomerView;
  matchedOn: string[];
};

const LIMIT = 100;

export const listDuplicateCustomers: Verb<
  Record<string, never>,
  { items: DuplicatePair[] }
> = async ({ ctx }) => {
  assertRole(ctx.user, ['admin', 'manager'], 'the duplicates queue');
  const ws = ctx.user.workspaceId;
  const pairs = await ctx.db.query(
    `with shared as (
         select a.customer_id as a, b.customer_id as b, a.kind
           from customer_keys a
           join customer_keys b on b.workspace_id = a.workspace_id and b.kind = a.kind
                                and b.value = a.value and b.customer_id > a.customer_id
          where a.workspace_id = $1 and a.kind in ('uscc', 'phone', 'email', 'company')
            and (select count(*) from (select 1 from customer_keys k where k.workspace_id = a.workspace_id
                   and k.kind = a.kind and k.value = a.value limit ${MAX_KEY_FANOUT + 1}) n) <= ${MAX_KEY_FANOUT}
         union all
         select least(c.id, s.value), greatest(c.id, s.value), 'similar'
           from customers c
           join customer_events e on e.workspace_id = c.workspace_id and e.customer_id = c.id
                                  and e.type = 'customer.created'
           cross join lateral jsonb_array_elements_text(coalesce(e.detail->'similarTo', '[]'::jsonb)) s(value)
          where c.workspace_id = $1 and c.flagged and c.merged_into is null
       )
       select s.a, s.b, array_agg(distinct s.kind) as kinds
         from shared s
         join customers ca on ca.workspace_id = $1 and ca.id = s.a and ca.merged_into is null
         join customers cb on cb.workspace_id = $1 and cb.id = s.b and cb.merged_into is null
        group by s.a, s.b
        order by max(greatest(ca.updated_at, cb.updated_at)) desc
        limit ${LIMIT}`,
    [ws],
  );
  const ids = [...new Set(pairs.flatMap((p) => [String(p.a), String(p.b)]))];
  const rows = await ctx.db.query(
    `select ${CUSTOMER_COLUMNS} from customers c where c.workspace_id = $1 and c.id = any($2::text[])`,
    [ws, ids],
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const items: DuplicatePair[] = [];
  for (const p of pairs) {
    const a = byId.get(String(p.a));
    const b = byId.get(String(p.b));
    if (!a || !b) continue;
    const may = (r: typeof a) => r.pool_state === 'pool' || canManageCustomer(ctx.user, refOf(r));
    if (!may(a) || !may(b)) continue;
    items.push({
      a: customerViewOf(a, false),
      b: customerViewOf(b, false),
      matchedOn: (Array.isArray(p.kinds) ? p.kinds : []).map(String).sort(),
    });
  }
  return { items };
};
