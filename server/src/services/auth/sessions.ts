/**
 * Database sessions. The cookie holds `<workspaceId>.<secret>`; the table holds only the
 * SHA-256 of the secret, keyed by workspace first like every other table.
 */
import { type Calendar, chinaCalendar, Role } from '@closeloop/engine';
import type { Db } from '../../db/client.ts';
import { auditStmt } from '../core/audit.ts';
import type { AuthUser, Deps } from '../core/context.ts';
import { DomainError } from '../core/errors.ts';

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

export async function resolveSession(
  deps: Deps,
  cookie: string | undefined,
): Promise<SessionInfo | null> {
  if (!cookie) return null;
  const dot = cookie.lastIndexOf('.');
  if (dot <= 0 || cookie.length > 300) return null;
  const workspaceId = cookie.slice(0, dot);
  const secret = cookie.slice(dot + 1);
  const sid = sha256(secret);
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
 * more than one workspace) and opens a session for the first that matches.
 */
/** Failed sign-ins allowed per email within LOGIN_WINDOW before a temporary lockout. */
export const LOGIN_MAX_FAILURES = 5;
const LOGIN_WINDOW = '15 minutes';
const LOGIN_LOCKOUT = '15 minutes';

/** Counts a failed sign-in in the database (atomic, so it holds across processes). */
async function recordFailure(db: Db, key: string): Promise<void> {
  await db.query(
    `insert into login_attempts (key, failures, window_start) values ($1, 1, now())
     on conflict (key) do update set
       failures = case when login_attempts.window_start < now() - $2::interval then 1
                       else login_attempts.failures + 1 end,
       window_start = case when login_attempts.window_start < now() - $2::interval then now()
                           else login_attempts.window_start end,
       locked_until = case
         when login_attempts.window_start >= now() - $2::interval
          and login_attempts.failures + 1 >= $3 then now() + $4::interval
         else login_attempts.locked_until end`,
    [key, LOGIN_WINDOW, LOGIN_MAX_FAILURES, LOGIN_LOCKOUT],
  );
}

export async function login(
  deps: Deps,
  input: { email: string; password: string },
  ip: string | null = null,
): Promise<{ info: SessionInfo; cookie: string; expiresAt: number }> {
  const email = input.email.trim().toLowerCase();
  const attemptKey = sha256(`login:${email}`);
  const locked = await deps.db.query(
    'select 1 from login_attempts where key = $1 and locked_until > now()',
    [attemptKey],
  );
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
  if (locked.length) {
    if (rows.length) await deps.db.batch(failed('locked'));
    throw new DomainError('too-many-attempts', 'too many failed sign-ins; try again later');
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
      await deps.db.query('delete from login_attempts where key = $1', [attemptKey]);
      return { info, cookie: `${workspaceId}.${secret}`, expiresAt };
    }
  }
  // spend comparable time when no account matched, so timing does not reveal emails
  if (rows.length === 0) await Bun.password.verify(input.password, await dummy());
  await recordFailure(deps.db, attemptKey);
  if (rows.length) await deps.db.batch(failed('bad-password'));
  throw new DomainError('bad-credentials', 'wrong email or password');
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
  if (!cookie) return;
  const dot = cookie.lastIndexOf('.');
  if (dot <= 0) return;
  const sid = sha256(cookie.slice(dot + 1));
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
          params: [cookie.slice(0, dot), sid, Bun.randomUUIDv7(), audit.ip],
        }
      : {
          text: 'delete from sessions where workspace_id = $1 and id = $2',
          params: [cookie.slice(0, dot), sid],
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
      if (!cookie || ttlMs <= 0) return resolveSession(deps, cookie);
      const dot = cookie.lastIndexOf('.');
      const sid = dot > 0 ? sha256(cookie.slice(dot + 1)) : '';
      const key = `${cookie.slice(0, Math.max(dot, 0))}\u0000${sid}`;
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
