/**
 * Who may see a customer and how it reads over the API. A customer is seen like a record
 * (admin: all; manager: their teams' and their own; rep: their own), and every pool customer
 * by everyone who works records, with phones masked until claimed when the rules say so.
 */
import { maskPhone } from '@closeloop/engine/customers';
import type { Row } from '../../db/client.ts';
import { canSeeRecord } from '../core/access.ts';
import type { AuthUser } from '../core/context.ts';
import { toMs } from '../sops/sop-common.ts';

export type CustomerRef = { ownerId: string | null; teamId: string | null; poolState: string };

export function canSeeCustomer(user: AuthUser, c: CustomerRef): boolean {
  if (user.role === 'trainer') return false;
  if (c.poolState === 'pool') return true;
  return canSeeRecord(user, c);
}

/** Managers of the customer's team and admins manage it (merge, pool moves of others). */
export function canManageCustomer(user: AuthUser, c: CustomerRef): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'manager' && canSeeRecord(user, c);
}

export type ContactView = {
  id: string;
  name: string | null;
  title: string | null;
  phone: string | null;
  email: string | null;
};

export type CustomerView = {
  id: string;
  kind: 'company' | 'person';
  name: string;
  uscc: string | null;
  source: string | null;
  region: string | null;
  industry: string | null;
  ownerId: string | null;
  ownerName: string | null;
  teamId: string | null;
  poolState: 'owned' | 'pool';
  claimedAt: number | null;
  protectedUntil: number | null;
  releasedAt: number | null;
  flagged: boolean;
  mergedInto: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** The first contact's phone (masked in the pool when the rules say so). */
  phone: string | null;
  phoneMasked: boolean;
  openRecords: number;
};

export const CUSTOMER_COLUMNS = `c.id, c.kind, c.name, c.uscc, c.source, c.region, c.industry,
  c.owner_id, c.team_id, c.pool_state, c.claimed_at, c.protected_until, c.released_at,
  c.flagged, c.merged_into, c.version, c.created_at, c.updated_at,
  (select u.name from users u where u.workspace_id = c.workspace_id and u.id = c.owner_id) as owner_name,
  (select o.phone from contacts o where o.workspace_id = c.workspace_id and o.customer_id = c.id
     and o.phone is not null order by o.created_at, o.id limit 1) as phone,
  (select count(*)::int from records r where r.workspace_id = c.workspace_id
     and r.customer_id = c.id and r.status = 'open') as open_records`;

const s = (v: unknown) => (typeof v === 'string' ? v : null);

/** A row of CUSTOMER_COLUMNS as the API shows it; `mask` hides the phone's middle digits. */
export function customerViewOf(r: Row, mask: boolean): CustomerView {
  const phone = s(r.phone);
  const masked = mask && r.pool_state === 'pool' && phone !== null;
  return {
    id: String(r.id),
    kind: r.kind === 'company' ? 'company' : 'person',
    name: String(r.name),
    uscc: s(r.uscc),
    source: s(r.source),
    region: s(r.region),
    industry: s(r.industry),
    ownerId: s(r.owner_id),
    ownerName: s(r.owner_name),
    teamId: s(r.team_id),
    poolState: r.pool_state === 'pool' ? 'pool' : 'owned',
    claimedAt: toMs(r.claimed_at),
    protectedUntil: toMs(r.protected_until),
    releasedAt: toMs(r.released_at),
    flagged: r.flagged === true,
    mergedInto: s(r.merged_into),
    version: Number(r.version),
    createdAt: toMs(r.created_at) ?? 0,
    updatedAt: toMs(r.updated_at) ?? 0,
    phone: masked && phone ? maskPhone(phone) : phone,
    phoneMasked: masked,
    openRecords: Number(r.open_records ?? 0),
  };
}

export function refOf(r: Row): CustomerRef {
  return { ownerId: s(r.owner_id), teamId: s(r.team_id), poolState: String(r.pool_state) };
}

/**
 * The SQL condition for customers the user may see (pool customers included), parameters
 * numbered from `from`; null for everything.
 */
export function customerVisibilitySql(
  user: AuthUser,
  from: number,
): { sql: string; params: unknown[] } | null {
  if (user.role === 'admin') return null;
  if (user.role === 'trainer') return { sql: 'false', params: [] };
  return {
    sql: `(c.pool_state = 'pool' or c.owner_id = $${from} or c.team_id = any($${from + 1}::text[]))`,
    params: [user.id, user.role === 'rep' ? user.sharedTeamIds : user.teamIds],
  };
}
