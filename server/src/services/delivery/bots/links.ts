/**
 * Signed links for chat buttons: `/l/<token>` opens one record (or one customer, for a 公海
 * warning) of one workspace, for a limited time, and nothing else. The token is
 * `<payload>.<mac>` (base64url): the payload names the workspace, the record or customer, the
 * purpose (`open-record` / `open-customer`) and the expiry (epoch seconds); the mac is
 * HMAC-SHA256 over the payload with the workspace's link key (`link_keys`, made on first
 * use, so every process signs and checks with the same key). A link grants no access:
 * it leads to the record page, where the session (or sign-in) decides what is shown.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Query } from '../transport.ts';

export const LINK_TTL_MS = 7 * 24 * 3600_000;

/** What a link opens. */
export type LinkTarget = 'record' | 'customer';
const PURPOSE: Record<LinkTarget, string> = { record: 'open-record', customer: 'open-customer' };

/** `recordId` names the record, or the customer when `opens` is `customer`. */
export type LinkClaims = {
  workspaceId: string;
  recordId: string;
  expiresAt: number;
  /** Default `record`. */
  opens?: LinkTarget;
};

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest();

/** The token for `claims`, signed with `key`. */
export function signLink(claims: LinkClaims, key: string): string {
  const payload = b64url(
    JSON.stringify({
      w: claims.workspaceId,
      r: claims.recordId,
      p: PURPOSE[claims.opens ?? 'record'],
      e: Math.floor(claims.expiresAt / 1000),
    }),
  );
  return `${payload}.${b64url(mac(key, payload))}`;
}

/** The workspace a token claims, unverified (to look its key up). */
export function workspaceOfLink(token: string): string | null {
  return decode(token.split('.')[0] ?? '')?.w ?? null;
}

/** Why a token was refused. */
export type LinkRefusal = 'malformed' | 'bad-signature' | 'expired';

/** The verified claims, or why not. */
export function verifyLink(
  token: string,
  key: string,
  now: number,
): { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal } {
  const [payload, sig, ...rest] = token.split('.');
  if (!payload || !sig || rest.length) return { ok: false, reason: 'malformed' };
  const want = mac(key, payload);
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    return { ok: false, reason: 'bad-signature' };
  const p = decode(payload);
  const opens = (Object.keys(PURPOSE) as LinkTarget[]).find((k) => PURPOSE[k] === p?.p);
  if (!p || !opens) return { ok: false, reason: 'malformed' };
  if (p.e * 1000 <= now) return { ok: false, reason: 'expired' };
  const claims: LinkClaims = { workspaceId: p.w, recordId: p.r, expiresAt: p.e * 1000 };
  return { ok: true, claims: opens === 'record' ? claims : { ...claims, opens } };
}

function decode(part: string): { w: string; r: string; p: string; e: number } | null {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof v.w !== 'string' || typeof v.r !== 'string' || typeof v.p !== 'string') return null;
    if (typeof v.e !== 'number') return null;
    return { w: v.w, r: v.r, p: v.p, e: v.e };
  } catch {
    return null;
  }
}

/** The workspace's link key, made on first use (every process then reads the same one). */
export async function linkKey(q: Query, workspaceId: string): Promise<string> {
  await q(
    `insert into link_keys (workspace_id, id, secret) values ($1, 'links', $2)
     on conflict do nothing`,
    [workspaceId, randomBytes(32).toString('base64url')],
  );
  const rows = await q(`select secret from link_keys where workspace_id = $1 and id = 'links'`, [
    workspaceId,
  ]);
  return String(rows[0]?.secret);
}

/** The absolute URL of a signed link to a record. */
export async function recordLink(
  q: Query,
  publicUrl: string,
  workspaceId: string,
  recordId: string,
  now: number,
): Promise<string> {
  const key = await linkKey(q, workspaceId);
  const token = signLink({ workspaceId, recordId, expiresAt: now + LINK_TTL_MS }, key);
  return `${publicUrl.replace(/\/+$/, '')}/l/${token}`;
}
