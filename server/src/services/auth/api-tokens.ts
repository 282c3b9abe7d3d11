/**
 * API tokens for integrations. A token reads `clk_<workspaceId>_<tokenId>_<secret>`
 * (secret: 32 random bytes, hex). The table keeps only the SHA-256 of the secret; a request
 * finds its row by primary key (workspace, id) and compares hashes in constant time, so no
 * lookup ever scans another workspace's tokens.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Row } from '../../db/client.ts';
import { TOKEN_SCOPES, type TokenScope } from '../core/access.ts';
import type { Deps } from '../core/context.ts';
import { type SessionInfo, sessionInfoOf, sha256 } from './sessions.ts';

export const TOKEN_PREFIX = 'clk_';
/** Last use is written at most this often per token (and so is its `token.used` entry). */
export const TOKEN_TOUCH_EVERY = '60 seconds';

export type ApiToken = {
  id: string;
  name: string;
  scopes: string[];
  createdBy: string;
  createdByName: string | null;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Its creator is no longer an active admin: the token is refused until they are again. */
  suspended: boolean;
};

/** A new token's id and secret, and the string shown once to its creator. */
export function newTokenSecret(workspaceId: string): { id: string; secret: string; token: string } {
  const hex = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('hex');
  const id = hex(8);
  const secret = hex(32);
  return { id, secret, token: `${TOKEN_PREFIX}${workspaceId}_${id}_${secret}` };
}

/** Splits a presented token from the right (a workspace id may itself hold `_`). */
export function parseToken(
  token: string,
): { workspaceId: string; id: string; secret: string } | null {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 400) return null;
  const s = token.lastIndexOf('_');
  const i = token.lastIndexOf('_', s - 1);
  if (i <= TOKEN_PREFIX.length) return null;
  const secret = token.slice(s + 1);
  const id = token.slice(i + 1, s);
  if (!/^[0-9a-f]{64}$/.test(secret) || !/^[0-9a-f]{16}$/.test(id)) return null;
  return { workspaceId: token.slice(TOKEN_PREFIX.length, i), id, secret };
}

const ms = (v: unknown): number | null =>
  v === null || v === undefined ? null : Math.round(Number(v));

/** Columns for `apiTokenOf`, over `api_tokens t` left-joined to `users u` (the creator). */
export const TOKEN_COLUMNS = `t.id, t.name, t.scopes, t.created_by, u.name as created_by_name,
  extract(epoch from t.created_at) * 1000 as created_ms,
  extract(epoch from t.expires_at) * 1000 as expires_ms,
  extract(epoch from t.last_used_at) * 1000 as last_used_ms,
  extract(epoch from t.revoked_at) * 1000 as revoked_ms,
  not coalesce(u.active and u.role = 'admin', false) as suspended`;

export function apiTokenOf(r: Row): ApiToken {
  return {
    id: String(r.id),
    name: String(r.name),
    scopes: Array.isArray(r.scopes) ? r.scopes.map(String) : [],
    createdBy: String(r.created_by),
    createdByName: r.created_by_name === null ? null : String(r.created_by_name),
    createdAt: ms(r.created_ms) ?? 0,
    expiresAt: ms(r.expires_ms),
    lastUsedAt: ms(r.last_used_ms),
    revokedAt: ms(r.revoked_ms),
    suspended: r.suspended === true,
  };
}

const isScope = (v: unknown): v is TokenScope => TOKEN_SCOPES.some((s) => s === v);

export type ResolvedToken = {
  info: SessionInfo;
  workspaceId: string;
  tokenId: string;
  touch: boolean;
};

/**
 * The caller for a bearer token, or null when it is malformed, unknown, revoked or expired,
 * or when its creator is no longer an active admin: a token acts for the workspace with
 * admin reach within its scopes, which it may have only while the person who made it does.
 * `touch` says its last use is older than TOKEN_TOUCH_EVERY (see touchToken).
 */
export async function resolveToken(deps: Deps, token: string): Promise<ResolvedToken | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const rows = await deps.db.query(
    `select t.id, t.name, t.scopes, t.secret_hash,
            t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
              and coalesce(u.active and u.role = 'admin', false) as live,
            t.last_used_at is null or t.last_used_at < now() - $3::interval as touch,
            w.calendar, w.clock_offset_ms::float8 as clock_offset_ms
       from api_tokens t join workspaces w on w.id = t.workspace_id
       left join users u on u.workspace_id = t.workspace_id and u.id = t.created_by
      where t.workspace_id = $1 and t.id = $2`,
    [parsed.workspaceId, parsed.id, TOKEN_TOUCH_EVERY],
  );
  const row = rows[0];
  if (!row) return null;
  const want = Buffer.from(String(row.secret_hash), 'hex');
  const got = Buffer.from(sha256(parsed.secret), 'hex');
  if (want.length !== got.length || !timingSafeEqual(want, got) || row.live !== true) return null;
  const scopes = (Array.isArray(row.scopes) ? row.scopes : []).filter(isScope);
  const base = sessionInfoOf(
    {
      id: `token:${parsed.id}`,
      email: '',
      name: String(row.name),
      role: 'admin',
      locale: 'zh-CN',
      workspace_id: parsed.workspaceId,
      calendar: row.calendar,
      clock_offset_ms: row.clock_offset_ms,
      team_ids: [],
      managed_team_ids: [],
      shared_team_ids: [],
    },
    deps.config.testClock,
  );
  return {
    info: {
      ...base,
      user: { ...base.user, token: { id: parsed.id, name: String(row.name), scopes } },
    },
    workspaceId: parsed.workspaceId,
    tokenId: parsed.id,
    touch: row.touch === true,
  };
}

/**
 * Records a token's use: sets `last_used_at` and writes a `token.used` entry, both only when
 * the last use is older than TOKEN_TOUCH_EVERY. One statement, so of concurrent requests
 * (on any process) exactly one writes; a busy integration costs one write a minute.
 */
export async function touchToken(
  deps: Deps,
  t: { workspaceId: string; tokenId: string },
  use: { operationId: string | undefined; method: string; path: string; ip: string | null },
): Promise<void> {
  const detail = { operationId: use.operationId ?? null, method: use.method, path: use.path };
  await deps.db.query(
    `with used as (
       update api_tokens set last_used_at = now()
        where workspace_id = $1 and id = $2
          and (last_used_at is null or last_used_at < now() - $3::interval)
        returning workspace_id, id)
     insert into audit_log (workspace_id, id, actor_type, actor_id, action, target_type,
                            target_id, detail, ip)
     select workspace_id, $4, 'token', id, 'token.used', 'token', id, $5::text::jsonb, $6
       from used`,
    [
      t.workspaceId,
      t.tokenId,
      TOKEN_TOUCH_EVERY,
      Bun.randomUUIDv7(),
      JSON.stringify(detail),
      use.ip,
    ],
  );
}
