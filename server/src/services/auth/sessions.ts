/**
 * Database sessions. The cookie holds `<workspaceId>.<secret>`; the table holds only the
 * SHA-256 of the secret, keyed by workspace first like every other table.
 */
import { type Calendar, chinaCalendar, Role } from '@closeloop/engine';
import type { Db, Row, Stmt } from '../../db/client.ts';
import { auditStmt } from '../core/audit.ts';
import type { AuthUser, Deps } from '../core/context.ts';
import { DomainError } from '../core/errors.ts';
import { admitSignIn, normalizeEmail, signInSucceeded, THROTTLE } from './sign-in-throttle.ts';

export const SESSION_COOKIE = 'cl_session';
/** Absolute lifetime of a session, however active. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** Idle timeout: a session unused this long ends; each use slides it (at most to the absolute end). */
export const SESSION_IDLE = '3 days';
const SESSION_ABSOLUTE = '14 days';
/** Slide the idle deadline only when less than this much of it is left, to spare writes. */
const SESSION_SLIDE_WHEN = '71 hours';

export function sha256(text: string): string {
  return new Bun.CryptoHasher('sha256').update(text).digest('hex');
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Buffer.from(bytes).toString('base64url');
}

export type SessionInfo = {
  user: AuthUser;
  calendar: Calendar;
  clockOffsetMs: number;
};

const isLocale = (v: unknown): v is 'zh-CN' | 'en' => v === 'zh-CN' || v === 'en';

function isCalendar(v: unknown): v is Calendar {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.utcOffsetMinutes === 'number' &&
    typeof c.workStart === 'string' &&
    typeof c.workEnd === 'string' &&
    Array.isArray(c.weekend) &&
    Array.isArray(c.holidays) &&
    Array.isArray(c.workdays)
  );
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The SELECT list shared by session lookup and sign-in: user, teams, workspace time. */
const USER_SELECT = `u.id, u.email, u.name, u.role, u.locale, u.workspace_id,
  w.calendar, w.clock_offset_ms::float8 as clock_offset_ms,
  coalesce((select array_agg(m.team_id order by m.team_id) from memberships m
             where m.workspace_id = u.workspace_id and m.user_id = u.id), '{}') as team_ids,
  coalesce((select array_agg(m.team_id order by m.team_id) from memberships m
             where m.workspace_id = u.workspace_id and m.user_id = u.id
               and m.role = 'manager'), '{}') as managed_team_ids,
  coalesce((select array_agg(m.team_id order by m.team_id) from memberships m
             join teams t on t.workspace_id = m.workspace_id and t.id = m.team_id
             where m.workspace_id = u.workspace_id and m.user_id = u.id and t.shared),
           '{}') as shared_team_ids`;

export function sessionInfoOf(row: Record<string, unknown>, testClock: boolean): SessionInfo {
  const role = Role.safeParse(row.role);
  if (!role.success) throw new Error('stored user role is malformed');
  return {
    user: {
      id: String(row.id),
      email: String(row.email),
      name: String(row.name),
      role: role.data,
      locale: isLocale(row.locale) ? row.locale : 'zh-CN',
      workspaceId: String(row.workspace_id),
      teamIds: strings(row.team_ids),
      managedTeamIds: strings(row.managed_team_ids),
      sharedTeamIds: strings(row.shared_team_ids),
    },
    calendar: isCalendar(row.calendar) ? row.calendar : chinaCalendar,
    clockOffsetMs: testClock ? Number(row.clock_offset_ms) || 0 : 0,
  };
}

/**
 * The workspace id and session id (SHA-256 of the secret) of a session cookie, or null when
 * it is not one we could have set: any other value is no session, never a database error.
 */
export function parseSessionCookie(
  cookie: string | undefined,
): { workspaceId: string; sid: string } | null {
  if (!cookie || cookie.length > 300) return null;
  const m = /^([\x21-\x7e]{1,200})\.([A-Za-z0-9_-]{20,100})$/.exec(cookie);
  if (!m?.[1] || !m[2]) return null;
  return { workspaceId: m[1], sid: sha256(m[2]) };
}

export async function resolveSession(
  deps: Deps,
  cookie: string | undefined,
): Promise<SessionInfo | null> {
  const parsed = parseSessionCookie(cookie);
  if (!parsed) return null;
  const { workspaceId, sid } = parsed;
  const rows = await deps.db.query(
    `select ${USER_SELECT}, s.expires_at < now() + $4::interval as slide
       from sessions s
       join users u on u.workspace_id = s.workspace_id and u.id = s.user_id
       join workspaces w on w.id = s.workspace_id
      where s.workspace_id = $1 and s.id = $2 and s.expires_at > now()
        and s.created_at > now() - $3::interval and u.active`,
    [workspaceId, sid, SESSION_ABSOLUTE, SESSION_SLIDE_WHEN],
  );
  const row = rows[0];
  if (row?.slide === true) {
    await deps.db.query(
      `update sessions set expires_at = least(now() + $3::interval, created_at + $4::interval)
        where workspace_id = $1 and id = $2`,
      [workspaceId, sid, SESSION_IDLE, SESSION_ABSOLUTE],
    );
  }
  return row ? sessionInfoOf(row, deps.config.testClock) : null;
}

export async function loadUserInfo(
  db: Db,
  workspaceId: string,
  userId: string,
  testClock: boolean,
): Promise<SessionInfo | null> {
  const rows = await db.query(
    `select ${USER_SELECT} from users u join workspaces w on w.id = u.workspace_id
      where u.workspace_id = $1 and u.id = $2 and u.active`,
    [workspaceId, userId],
  );
  const row = rows[0];
  return row ? sessionInfoOf(row, testClock) : null;
}

/**
 * Checks the password of every active account with this email (an email may exist in
 * more than one workspace) and opens a session for the first that matches. The attempt is
 * counted and may be refused (sign-in-throttle.ts) before any password is checked.
 */
export async function login(
  deps: Deps,
  input: { email: string; password: string },
  ip: string | null = null,
): Promise<{ info: SessionInfo; cookie: string; expiresAt: number }> {
  const email = normalizeEmail(input.email);
  const rows = await deps.db.query(
    `select workspace_id, id, password_hash from users where email = $1 and active
      order by created_at limit 5`,
    [email],
  );
  // a failure goes to the audit log of each workspace where the email has an account
  const failed = (reason: string) =>
    rows.map((row) =>
      auditStmt({
        workspaceId: String(row.workspace_id),
        actor: { type: 'user', id: null },
        action: 'auth.sign-in-failed',
        target: { type: 'user', id: String(row.id) },
        detail: { email, reason },
        ip,
      }),
    );
  let admission: Awaited<ReturnType<typeof admitSignIn>>;
  try {
    admission = await admitSignIn(deps.db, email, ip, deps.config.signInFreePerAddress);
  } catch (e) {
    // a refused attempt is a failure too, so the owner's admins see the pressure
    if (rows.length) await deps.db.batch(failed('locked'));
    throw e;
  }
  for (const row of rows) {
    if (await Bun.password.verify(input.password, String(row.password_hash))) {
      const workspaceId = String(row.workspace_id);
      const secret = randomSecret();
      const expiresAt = deps.clock.now() + SESSION_TTL_MS;
      // the idle deadline; the cookie itself lives until the absolute end
      await deps.db.batch([
        {
          text: `insert into sessions (workspace_id, id, user_id, expires_at)
                 values ($1, $2, $3, now() + $4::interval)`,
          params: [workspaceId, sha256(secret), String(row.id), SESSION_IDLE],
        },
        auditStmt({
          workspaceId,
          actor: { type: 'user', id: String(row.id) },
          action: 'auth.signed-in',
          target: { type: 'user', id: String(row.id) },
          ip,
        }),
      ]);
      const info = await loadUserInfo(deps.db, workspaceId, String(row.id), deps.config.testClock);
      if (!info) break;
      await signInSucceeded(deps.db, admission);
      return { info, cookie: `${workspaceId}.${secret}`, expiresAt };
    }
  }
  // a deactivated account is told so, but only to someone who knows its password
  if (rows.length === 0) {
    const gone = await deps.db.query(
      `select password_hash from users where email = $1 and not active
        order by created_at limit 5`,
      [email],
    );
    for (const row of gone) {
      if (await Bun.password.verify(input.password, String(row.password_hash))) {
        await signInSucceeded(deps.db, admission);
        throw new DomainError('account-deactivated', 'this account has been deactivated');
      }
    }
    // spend comparable time when no account matched, so timing does not reveal emails
    if (gone.length === 0) await Bun.password.verify(input.password, await dummy());
  }
  if (rows.length) {
    const warn = admission.accountAttempts === THROTTLE.account.free;
    await deps.db.batch([...failed('bad-password'), ...(warn ? warnOwners(rows, ip) : [])]);
  }
  throw new DomainError('bad-credentials', 'wrong email or password');
}

/**
 * Tells each account's owner, once per window, that sign-ins on their e-mail keep failing:
 * a notification in the app, and an audit entry for the admins.
 */
function warnOwners(rows: Row[], ip: string | null): Stmt[] {
  const message = {
    'zh-CN': `你的账号连续 ${THROTTLE.account.free} 次登录失败，后续尝试将被延迟。如果不是你本人，请联系管理员。`,
    en: `There were ${THROTTLE.account.free} failed sign-ins on your account in a row; further attempts are slowed down. If this was not you, tell your admin.`,
  };
  return rows.flatMap((row) => [
    {
      text: `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
             values ($1, $2, $3, null, 'auth.sign-in-failures', $4::text::jsonb, now())`,
      params: [row.workspace_id, Bun.randomUUIDv7(), row.id, JSON.stringify(message)],
    },
    auditStmt({
      workspaceId: String(row.workspace_id),
      actor: { type: 'user', id: null },
      action: 'auth.sign-in-throttled',
      target: { type: 'user', id: String(row.id) },
      detail: { failures: THROTTLE.account.free },
      ip,
    }),
  ]);
}

let dummyHash: Promise<string> | null = null;
const dummy = () => {
  dummyHash ??= Bun.password.hash('not-a-real-password', { algorithm: 'argon2id' });
  return dummyHash;
};

/**
 * Ends the cookie's session. `audit` (the sign-out route) records `auth.signed-out` in the
 * same statement; a session replaced at sign-in (rotation) is ended without an entry.
 */
export async function logout(
  deps: Deps,
  cookie: string | undefined,
  audit?: { ip: string | null },
): Promise<void> {
  const parsed = parseSessionCookie(cookie);
  if (!parsed) return;
  const { workspaceId, sid } = parsed;
  await deps.db.batch([
    audit
      ? {
          text: `with ended as (
                   delete from sessions where workspace_id = $1 and id = $2
                   returning workspace_id, user_id)
                 insert into audit_log (workspace_id, id, actor_type, actor_id, action,
                                        target_type, target_id, ip)
                 select workspace_id, $3, 'user', user_id, 'auth.signed-out', 'user', user_id, $4
                   from ended`,
          params: [workspaceId, sid, Bun.randomUUIDv7(), audit.ip],
        }
      : {
          text: 'delete from sessions where workspace_id = $1 and id = $2',
          params: [workspaceId, sid],
        },
    // every process drops its cached copy of this session (see createSessionCache)
    { text: 'select pg_notify($1, $2)', params: [AUTH_CHANNEL, sid] },
  ]);
}

export const AUTH_CHANNEL = 'closeloop_auth';

/**
 * The statement that makes every process drop its cached sessions of these users, whose
 * role, teams or name changed. Run it inside the writing transaction: Postgres delivers a
 * NOTIFY at commit, never for a rolled-back one, and never before the change is visible.
 */
export function dropSessionsOfStmt(workspaceId: string, userIds: string[]) {
  return {
    text: `select pg_notify($3, s.id) from sessions s
            where s.workspace_id = $1 and s.user_id = any($2::text[])`,
    params: [workspaceId, [...new Set(userIds)], AUTH_CHANNEL],
  };
}

export type SessionCache = {
  resolve(cookie: string | undefined): Promise<SessionInfo | null>;
  /** Forgets a session (by the SHA-256 id); called when any process ends one. */
  drop(sid: string): void;
};

/**
 * Sessions resolved recently, so a request does not pay a database round trip to know who
 * it is. Entries live `ttlMs` at most; ending a session (logout,
 * deactivation) NOTIFYs every process, which drops its copy at once. Off (ttl 0) with the
 * test clock, whose workspace offset must be read fresh.
 */
export function createSessionCache(deps: Deps, ttlMs: number, max = 10_000): SessionCache {
  const entries = new Map<string, { info: SessionInfo; until: number }>();
  return {
    async resolve(cookie) {
      const parsed = parseSessionCookie(cookie);
      if (!parsed) return null;
      if (ttlMs <= 0) return resolveSession(deps, cookie);
      const key = `${parsed.workspaceId}\u0000${parsed.sid}`;
      const hit = entries.get(key);
      const now = Date.now();
      if (hit && hit.until > now) return hit.info;
      const info = await resolveSession(deps, cookie);
      if (info) {
        if (entries.size >= max) entries.clear();
        entries.set(key, { info, until: now + ttlMs });
      } else {
        entries.delete(key);
      }
      return info;
    },
    drop(sid) {
      for (const k of entries.keys()) if (k.endsWith(`\u0000${sid}`)) entries.delete(k);
    },
  };
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id' });
}
