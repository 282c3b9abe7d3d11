/**
 * The one entry function every channel goes through: match the lead to a customer on hard
 * keys (统一社会信用代码, phone, e-mail) and soft ones (same company key or name in pinyin,
 * similar company name by trigram), then apply the channel's duplicate policy.
 * A key shared by more than 20 customers does not tell them apart and is ignored.
 */
import type { Role } from '@closeloop/engine';
import { type CustomerKeyKind, customerKeys, HARD_KEY_KINDS } from '@closeloop/engine/customers';
import type { Row } from '../../db/client.ts';
import { Conflict } from '../core/errors.ts';
import type { LeadFacts } from './facts.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

export const ENTRY_CHANNELS = ['manual', 'api', 'import', 'form', 'push'] as const;
export type EntryChannel = (typeof ENTRY_CHANNELS)[number];

/**
 * block: refuse any hard match; block-protected: refuse a rep when another rep owns the match
 * and it is protected, else attach; attach: attach and notify the owner; create: create a
 * new customer anyway, flagged for the duplicates queue.
 */
export const DUPLICATE_POLICIES = ['block', 'block-protected', 'attach', 'create'] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

export const DEFAULT_POLICIES: Record<EntryChannel, DuplicatePolicy> = {
  manual: 'block-protected',
  api: 'attach',
  import: 'attach',
  form: 'attach',
  push: 'attach',
};

/** Beyond this many customers a key is not discriminating (a switchboard, a shared inbox). */
export const MAX_KEY_FANOUT = 20;
const SIMILARITY = 0.5;

export type CustomerMatch = {
  id: string;
  name: string;
  kind: 'company' | 'person';
  ownerId: string | null;
  ownerName: string | null;
  teamId: string | null;
  poolState: 'owned' | 'pool';
  protectedUntil: number | null;
  matchedOn: Array<CustomerKeyKind | 'similar'>;
  hard: boolean;
};

const HARD = new Set<string>(HARD_KEY_KINDS);

const MATCH_SELECT = `select c.id, c.name, c.kind, c.owner_id, c.team_id, c.pool_state,
    u.name as owner_name, (extract(epoch from c.protected_until) * 1000)::float8 as protected_ms,
    array_agg(distinct a.kind) as matched_on`;
const MATCH_JOIN = `join customers c on c.workspace_id = $1 and c.id = a.customer_id
    left join users u on u.workspace_id = c.workspace_id and u.id = c.owner_id`;
const MATCH_GROUP =
  'group by c.id, c.name, c.kind, c.owner_id, c.team_id, c.pool_state, u.name, c.protected_until';

/**
 * Live customers (not merged away) sharing a key with the lead, hard matches first; soft
 * ones (same company key or pinyin, or a similar company name) after.
 */
export async function matchCustomers(
  q: Q,
  workspaceId: string,
  facts: Pick<LeadFacts, 'kind' | 'name' | 'phones' | 'emails' | 'uscc' | 'nameKey'>,
  opts: { excludeId?: string } = {},
): Promise<CustomerMatch[]> {
  const keys = customerKeys(facts);
  const similar = facts.kind === 'company' && [...facts.nameKey].length >= 3 ? facts.nameKey : '';
  if (keys.length === 0 && !similar) return [];
  // one statement per kind of search; both read live customers only
  const params = [workspaceId, keys.map((k) => k.kind), keys.map((k) => k.value)];
  const rows = await q(
    `with m as (
       select k.kind, x.customer_id, count(*) over (partition by k.kind, k.value) as n
         from unnest($2::text[], $3::text[]) as k(kind, value)
         cross join lateral (select ck.customer_id from customer_keys ck
                              where ck.workspace_id = $1 and ck.kind = k.kind and ck.value = k.value
                              limit ${MAX_KEY_FANOUT + 1}) x
     )
     ${MATCH_SELECT} from m a ${MATCH_JOIN}
      where a.n <= ${MAX_KEY_FANOUT} and c.merged_into is null and c.id <> $4 ${MATCH_GROUP}`,
    [...params, opts.excludeId ?? ''],
  );
  // similar names only matter when no hard key matched (they flag, they never attach)
  const anyHard = rows.some(
    (r) => Array.isArray(r.matched_on) && r.matched_on.some((k) => HARD.has(String(k))),
  );
  if (similar && !anyHard) {
    const soft = await q(
      `with s as (
         select 'similar'::text as kind, c.id as customer_id from customers c
          where c.workspace_id = $1 and c.merged_into is null
            and c.name_key % $2::text and similarity(c.name_key, $2::text) >= ${SIMILARITY}
          -- the closest ones; ordering also keeps the planner on the trigram index (a bare
          -- LIMIT invites a sequential scan that reads every customer when few are similar)
          order by similarity(c.name_key, $2::text) desc, c.id
          limit ${MAX_KEY_FANOUT}
       )
       ${MATCH_SELECT} from s a ${MATCH_JOIN} where c.id <> $3 ${MATCH_GROUP}`,
      [workspaceId, similar, opts.excludeId ?? ''],
    );
    for (const r of soft) {
      const same = rows.find((x) => x.id === r.id);
      if (same && Array.isArray(same.matched_on)) same.matched_on.push('similar');
      else rows.push(r);
    }
  }
  const out = rows.map((r): CustomerMatch => {
    const on = (Array.isArray(r.matched_on) ? r.matched_on : []).map(String) as Array<
      CustomerKeyKind | 'similar'
    >;
    return {
      id: String(r.id),
      name: String(r.name),
      kind: r.kind === 'company' ? 'company' : 'person',
      ownerId: typeof r.owner_id === 'string' ? r.owner_id : null,
      ownerName: typeof r.owner_name === 'string' ? r.owner_name : null,
      teamId: typeof r.team_id === 'string' ? r.team_id : null,
      poolState: r.pool_state === 'pool' ? 'pool' : 'owned',
      protectedUntil: r.protected_ms === null ? null : Number(r.protected_ms),
      matchedOn: on.sort(),
      hard: on.some((k) => HARD.has(k)),
    };
  });
  return out.sort(
    (a, b) => Number(b.hard) - Number(a.hard) || b.matchedOn.length - a.matchedOn.length,
  );
}

export type CustomerDecision =
  | { kind: 'create'; flagged: boolean; similar: CustomerMatch[] }
  | { kind: 'attach'; customer: CustomerMatch; notifyOwner: boolean };

/** The caller of an entry, as the policy sees it. */
export type EntryActor = { id: string; role: Role };

/** Another rep owns the customer and it is protected: the caller is told who, nothing more. */
export class CustomerTaken extends Conflict {
  constructor(match: CustomerMatch) {
    super(
      'customer-taken',
      `this customer belongs to ${match.ownerName ?? 'another rep'}; ask them or your manager`,
      {
        extra: {
          customerId: match.id,
          owner: { id: match.ownerId, name: match.ownerName },
          matchedOn: match.matchedOn.filter((k) => HARD.has(k)),
          protectedUntil: match.protectedUntil,
        },
      },
    );
  }
}

/**
 * Applies a duplicate policy to the matches. Throws CustomerTaken when the policy refuses.
 *
 * @example
 * decideCustomer('block-protected', matches, { id: 'u1', role: 'rep' }, now)
 * // → { kind: 'attach', customer, notifyOwner: true } or throws CustomerTaken
 */
export function decideCustomer(
  policy: DuplicatePolicy,
  matches: readonly CustomerMatch[],
  actor: EntryActor,
  now: number,
): CustomerDecision {
  const hard = matches.filter((m) => m.hard);
  const soft = matches.filter((m) => !m.hard);
  const mine = hard.find((m) => m.ownerId === actor.id);
  if (mine) return { kind: 'attach', customer: mine, notifyOwner: false };
  const best = hard[0];
  if (!best) return { kind: 'create', flagged: soft.length > 0, similar: soft };
  const ownedByOther = best.poolState === 'owned' && best.ownerId !== null;
  switch (policy) {
    case 'block':
      throw new CustomerTaken(best);
    case 'create':
      return { kind: 'create', flagged: true, similar: hard };
    case 'block-protected':
      if (
        actor.role === 'rep' &&
        ownedByOther &&
        best.protectedUntil !== null &&
        best.protectedUntil > now
      ) {
        throw new CustomerTaken(best);
      }
      return { kind: 'attach', customer: best, notifyOwner: ownedByOther };
    case 'attach':
      return { kind: 'attach', customer: best, notifyOwner: ownedByOther };
  }
}
