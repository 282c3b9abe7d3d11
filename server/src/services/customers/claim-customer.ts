/**
 * Claiming a pool customer and releasing one to the pool. A claim is one transaction that
 * locks the claiming rep (their daily limit and holding cap are counted under the lock) and
 * then the customer row: of any number of reps claiming one customer at once exactly one
 * finds it still in the pool; the others get `customer-claimed` (409).
 */
import { checkClaim, protectedUntil } from '@closeloop/engine';
import type { Row, Stmt } from '../../db/client.ts';
import { assertWorksRecords } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Ctx, Verb } from '../core/context.ts';
import { Conflict, Forbidden, NotFound } from '../core/errors.ts';
import { cancelPoolTimersStmt, customerEventStmt } from './customer-stmts.ts';
import {
  CUSTOMER_COLUMNS,
  type CustomerView,
  canManageCustomer,
  customerViewOf,
  refOf,
} from './customer-view.ts';
import { CustomerMerged } from './get-customer.ts';
import { loadPoolSettings } from './pool-settings.ts';
import { armPoolTimerStmts } from './pool-timers.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

const DAY = 86_400_000;
const TS = (n: number) => `to_timestamp($${n}::float8 / 1000)`;

async function view(q: Q, ctx: Ctx, id: string): Promise<CustomerView> {
  const rows = await q(
    `select ${CUSTOMER_COLUMNS} from customers c where c.workspace_id = $1 and c.id = $2`,
    [ctx.user.workspaceId, id],
  );
  const row = rows[0];
  if (!row) throw new NotFound('customer', id);
  return customerViewOf(row, false);
}

const run = (q: Q) => async (s: Stmt) => {
  await q(s.text, s.params);
};

/** Starts of the caller's working day in the workspace's time zone. */
function dayStart(ctx: Ctx): number {
  const off = ctx.calendar.utcOffsetMinutes * 60_000;
  return Math.floor((ctx.now + off) / DAY) * DAY - off;
}

export const claimCustomer: Verb<{ customerId: string }, CustomerView> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  if (ctx.user.token) throw new Forbidden('a person claims customers, not an API token');
  const ws = ctx.user.workspaceId;
  const me = ctx.user.id;
  const teamId = ctx.user.teamIds[0] ?? null;
  const { rules } = await loadPoolSettings(ctx.db.query, ws, teamId);
  return ctx.db.transaction(async (q) => {
    // one claim at a time per rep, so concurrent claims cannot pass the limit or the cap together
    await q('select 1 from users where workspace_id = $1 and id = $2 for update', [ws, me]);
    const row = (
      await q(
        `select pool_state, owner_id, merged_into, previous_owner_id,
                (extract(epoch from released_at) * 1000)::float8 as released_ms
           from customers where workspace_id = $1 and id = $2 for update`,
        [ws, input.customerId],
      )
    )[0];
    if (!row) throw new NotFound('customer', input.customerId);
    if (typeof row.merged_into === 'string') {
      throw new CustomerMerged(input.customerId, row.merged_into);
    }
    if (row.pool_state !== 'pool') {
      if (row.owner_id === me) return view(q, ctx, input.customerId);
      throw new Conflict('customer-claimed', 'someone else claimed this customer first');
    }
    const counts = (
      await q(
        `select (select count(*)::int from customer_events e where e.workspace_id = $1
                   and e.actor_id = $2 and e.type = 'pool.claimed' and e.at >= ${TS(3)}) as today,
                (select count(*)::int from customers c where c.workspace_id = $1 and c.owner_id = $2
                   and c.pool_state = 'owned' and c.merged_into is null) as holding,
                (select count(*)::int from customers c where c.workspace_id = $1 and c.owner_id = $2
                   and c.pool_state = 'owned' and c.merged_into is null
                   and exists (select 1 from records r where r.workspace_id = c.workspace_id
                                 and r.customer_id = c.id and r.status = 'won')) as holding_won`,
        [ws, me, dayStart(ctx)],
      )
    )[0];
    const refusal = checkClaim(
      rules,
      {
        claimsToday: Number(counts?.today ?? 0),
        holding: Number(counts?.holding ?? 0),
        holdingWon: Number(counts?.holding_won ?? 0),
      },
      {
        wasOwner: row.previous_owner_id === me,
        releasedAt: row.released_ms === null ? null : Number(row.released_ms),
      },
      ctx.now,
      ctx.calendar,
    );
    if (refusal) {
      const messages = {
        'claim-limit-reached': `you may claim ${'limit' in refusal ? refusal.limit : 0} customers a day`,
        'holding-cap-reached': `you may hold ${'cap' in refusal ? refusal.cap : 0} customers`,
        'claim-cool-down': 'you released this customer recently',
      };
      throw new Conflict(refusal.code, messages[refusal.code], { extra: { ...refusal } });
    }
    const until = protectedUntil(rules, ctx.now, null, ctx.calendar);
    const exec = run(q);
    await exec({
      text: `update customers set owner_id = $3, team_id = $4, pool_state = 'owned',
               claimed_at = ${TS(5)}, protected_until = ${TS(6)}, version = version + 1,
               updated_at = ${TS(5)}
             where workspace_id = $1 and id = $2`,
      params: [ws, input.customerId, me, teamId, ctx.now, until],
    });
    await exec(customerEventStmt(ws, input.customerId, 'pool.claimed', me, ctx.now));
    for (const s of armPoolTimerStmts(
      ws,
      input.customerId,
      rules,
      { lastFollowUpAt: ctx.now, ownedSince: ctx.now, won: false },
      ctx.calendar,
    )) {
      await exec(s);
    }
    return view(q, ctx, input.customerId);
  });
};

/** The owner (or a manager of the customer's team, or an admin) puts a customer in the pool. */
export const releaseCustomer: Verb<{ customerId: string; reason?: string }, CustomerView> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const ws = ctx.user.workspaceId;
  return ctx.db.transaction(async (q) => {
    const row = (
      await q(
        `select owner_id, team_id, pool_state, merged_into from customers
          where workspace_id = $1 and id = $2 for update`,
        [ws, input.customerId],
      )
    )[0];
    if (!row) throw new NotFound('customer', input.customerId);
    if (typeof row.merged_into === 'string') {
      throw new CustomerMerged(input.customerId, row.merged_into);
    }
    if (row.pool_state === 'pool') {
      throw new Conflict('customer-not-in-pool', 'this customer is already in the public pool');
    }
    const owner = typeof row.owner_id === 'string' ? row.owner_id : null;
    if (owner !== ctx.user.id && !canManageCustomer(ctx.user, refOf(row))) {
      throw new Forbidden('only the owner or their manager may release this customer');
    }
    const exec = run(q);
    await exec(cancelPoolTimersStmt(ws, input.customerId));
    await exec({
      text: `update customers set owner_id = null, pool_state = 'pool', previous_owner_id = $3,
               released_at = ${TS(4)}, protected_until = null, claimed_at = null,
               version = version + 1, updated_at = ${TS(4)}
             where workspace_id = $1 and id = $2`,
      params: [ws, input.customerId, owner, ctx.now],
    });
    await exec(
      customerEventStmt(ws, input.customerId, 'pool.released', ctx.user.id, ctx.now, {
        previousOwnerId: owner,
        ...(input.reason ? { reason: input.reason } : {}),
      }),
    );
    if (owner !== ctx.user.id) {
      await exec(
        auditBy(ctx, 'customer.released', { type: 'customer', id: input.customerId }, { owner }),
      );
    }
    return view(q, ctx, input.customerId);
  });
};
