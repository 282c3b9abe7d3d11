/**
 * 公海 reclaim and warning timers: rows in `timers` (kind `pool.*`, record_id = the
 * customer), claimed and fired by the ordinary scheduler. A timer is armed for the due
 * instant known when the customer was claimed; when it fires it reads the last follow-up
 * and, if the customer was worked since, arms the next timer instead of acting. Firing marks
 * the timer `fired` only while this process holds its claim, in the same transaction as the
 * reclaim, so it takes effect exactly once across processes.
 */
import { type Calendar, type PoolRules, reclaimDueAt, reclaimWarningAt } from '@closeloop/engine';
import type { Db, Row, Stmt } from '../../db/client.ts';
import {
  cancelPoolTimersStmt,
  customerEventStmt,
  notifyUserStmt,
  type PoolTimerKind,
  poolTimerStmt,
  poolWarningOutboxStmt,
} from './customer-stmts.ts';
import { loadPoolSettings } from './pool-settings.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

/** The timers of a customer owned since `ownedSince` and last worked at `lastFollowUpAt`. */
export function armPoolTimerStmts(
  workspaceId: string,
  customerId: string,
  rules: PoolRules,
  at: { lastFollowUpAt: number; ownedSince: number; won: boolean },
  cal: Calendar,
): Stmt[] {
  const due = reclaimDueAt(rules, at, cal);
  if (due === null) return [];
  const out = [poolTimerStmt(workspaceId, customerId, 'pool.reclaim', due)];
  const warn = reclaimWarningAt(rules, due, at.lastFollowUpAt, cal);
  if (warn !== null) out.push(poolTimerStmt(workspaceId, customerId, 'pool.warn', warn));
  return out;
}

/** The last follow-up on a customer: any user's event on its records, or its claim. */
export async function lastFollowUpAt(
  q: Q,
  workspaceId: string,
  customerId: string,
): Promise<{ lastFollowUpAt: number; ownedSince: number; won: boolean } | null> {
  const rows = await q(
    `select (extract(epoch from coalesce(c.claimed_at, c.created_at)) * 1000)::float8 as owned_ms,
            (extract(epoch from greatest(coalesce(c.claimed_at, c.created_at),
               (select max(e.at) from records r
                  join record_events e on e.workspace_id = r.workspace_id and e.record_id = r.id
                 where r.workspace_id = c.workspace_id and r.customer_id = c.id
                   and e.actor_id <> 'system'),
               (select max(ce.at) from customer_events ce
                 where ce.workspace_id = c.workspace_id and ce.customer_id = c.id
                   and ce.actor_id is not null and ce.type = 'customer.updated')
             )) * 1000)::float8 as last_ms,
            exists (select 1 from records r where r.workspace_id = c.workspace_id
                      and r.customer_id = c.id and r.status = 'won') as won
       from customers c where c.workspace_id = $1 and c.id = $2`,
    [workspaceId, customerId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    lastFollowUpAt: Number(r.last_ms),
    ownedSince: Number(r.owned_ms),
    won: r.won === true,
  };
}

export type PoolTimer = {
  workspaceId: string;
  id: string;
  customerId: string;
  kind: PoolTimerKind;
  /** The workspace's now (test clock applied), not before the timer's due instant. */
  now: number;
};

const MINUTE = 60_000;

/**
 * Fires one pool timer in one transaction. Returns what happened; `already-handled` when
 * another process fired it first (its claim lapsed and was taken over).
 */
export async function firePoolTimer(
  db: Db,
  t: PoolTimer,
  processId: string,
  cal: Calendar,
): Promise<'reclaimed' | 'warned' | 're-armed' | 'skipped' | 'already-handled'> {
  return db.transaction(async (q) => {
    const customer = (
      await q(
        `select owner_id, team_id, pool_state, merged_into, name from customers
          where workspace_id = $1 and id = $2 for update`,
        [t.workspaceId, t.customerId],
      )
    )[0];
    const fired = await q(
      `update timers set status = 'fired', fired_at = now()
        where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3
        returning id`,
      [t.workspaceId, t.id, processId],
    );
    if (fired.length === 0) return 'already-handled';
    const ownerId = typeof customer?.owner_id === 'string' ? customer.owner_id : null;
    if (!customer || customer.merged_into !== null || customer.pool_state !== 'owned' || !ownerId) {
      return 'skipped';
    }
    const teamId = typeof customer.team_id === 'string' ? customer.team_id : null;
    const { rules } = await loadPoolSettings(q, t.workspaceId, teamId);
    const at = await lastFollowUpAt(q, t.workspaceId, t.customerId);
    if (!at) return 'skipped';
    const due = reclaimDueAt(rules, at, cal);
    if (due === null) return 'skipped';
    const run = async (s: Stmt) => {
      await q(s.text, s.params);
    };
    if (t.kind === 'pool.warn') {
      const warnAt = reclaimWarningAt(rules, due, at.lastFollowUpAt, cal);
      if (warnAt === null) return 'skipped';
      if (warnAt > t.now + MINUTE) {
        await run(poolTimerStmt(t.workspaceId, t.customerId, 'pool.warn', warnAt));
        return 're-armed';
      }
      const day = new Date(due + cal.utcOffsetMinutes * MINUTE).toISOString().slice(0, 10);
      await run(
        notifyUserStmt(
          t.workspaceId,
          ownerId,
          null,
          'pool.warning',
          {
            'zh-CN': `客户将于 ${day} 因未跟进退回公海，请尽快跟进`,
            en: `A customer returns to the public pool on ${day} unless you follow up`,
          },
          t.now,
        ),
      );
      await run(
        customerEventStmt(t.workspaceId, t.customerId, 'pool.warned', null, t.now, { due }),
      );
      // to the team's group robot or a webhook too, where the notification rules say
      const name = typeof customer.name === 'string' ? customer.name : '';
      await run(
        poolWarningOutboxStmt(
          t.workspaceId,
          { id: t.customerId, name, ownerId, teamId },
          due,
          t.now,
        ),
      );
      return 'warned';
    }
    if (due > t.now + MINUTE) {
      for (const s of armPoolTimerStmts(t.workspaceId, t.customerId, rules, at, cal)) await run(s);
      return 're-armed';
    }
    await run(cancelPoolTimersStmt(t.workspaceId, t.customerId));
    await run({
      text: `update customers set owner_id = null, pool_state = 'pool', previous_owner_id = $3,
               released_at = to_timestamp($4::float8 / 1000), protected_until = null,
               claimed_at = null, version = version + 1, updated_at = to_timestamp($4::float8 / 1000)
             where workspace_id = $1 and id = $2`,
      params: [t.workspaceId, t.customerId, ownerId, t.now],
    });
    await run(
      customerEventStmt(t.workspaceId, t.customerId, 'pool.reclaimed', null, t.now, {
        previousOwnerId: ownerId,
        lastFollowUpAt: at.lastFollowUpAt,
      }),
    );
    await run(
      notifyUserStmt(
        t.workspaceId,
        ownerId,
        null,
        'pool.reclaimed',
        {
          'zh-CN': '一位客户因长期未跟进已退回公海',
          en: 'A customer went back to the public pool: nobody followed up',
        },
        t.now,
      ),
    );
    return 'reclaimed';
  });
}
