/**
 * Sign-in throttling. Every attempt is counted, atomically and before its password is
 * checked, against two keys: the account (its normalised e-mail) and the client address.
 * A few attempts pass freely; after that each one admitted sets a growing delay before the
 * next may be tried, capped low for the account (so nobody can lock a real user out for long
 * by typing wrong passwords on their e-mail) and high for the address (so one client cannot
 * try many accounts). Attempts refused while a delay runs do not count and do not extend it.
 */
import type { Db } from '../../db/client.ts';
import { DomainError } from '../core/errors.ts';

const sha256 = (text: string) => new Bun.CryptoHasher('sha256').update(text).digest('hex');

type Rule = { free: number; firstDelayMs: number; maxDelayMs: number };

export const THROTTLE: {
  windowMinutes: number;
  account: Rule;
  address: Rule;
} = {
  /** Window after which a key's count starts again. */
  windowMinutes: 15,
  account: { free: 5, firstDelayMs: 5_000, maxDelayMs: 60_000 },
  /** `free` is the default of config.signInFreePerAddress. */
  address: { free: 50, firstDelayMs: 10_000, maxDelayMs: 15 * 60_000 },
};

/** One form of an e-mail for sign-in, invitations and accounts: NFKC, trimmed, lower-case. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export type Admission = {
  accountKey: string;
  addressKey: string | null;
  /** Attempts counted on the account in this window, this one included. */
  accountAttempts: number;
};

/** The delay after the n-th attempt admitted in a window: none while free, then doubling. */
export function delayAfter(n: number, rule: Rule): number {
  if (n < rule.free) return 0;
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** (n - rule.free));
}

/**
 * Counts an attempt on both keys in one transaction (row locks serialise concurrent
 * attempts across processes), or refuses it with 429 `too-many-attempts` and the seconds
 * to wait, without counting it, while either key's delay runs.
 */
export async function admitSignIn(
  db: Db,
  email: string,
  ip: string | null,
  freePerAddress: number = THROTTLE.address.free,
): Promise<Admission> {
  const accountKey = sha256(`login:${email}`);
  const addressKey = ip ? sha256(`login-ip:${ip}`) : null;
  const keys: Array<[string, Rule]> = [[accountKey, THROTTLE.account]];
  if (addressKey) keys.push([addressKey, { ...THROTTLE.address, free: freePerAddress }]);
  const verdict = await db.transaction(async (q) => {
    const rows: Array<{ key: string; rule: Rule; attempts: number; waitMs: number }> = [];
    for (const [key, rule] of keys) {
      await q(
        `insert into login_attempts (key, failures, window_start) values ($1, 0, now())
         on conflict (key) do nothing`,
        [key],
      );
      const r = await q(
        `select case when window_start < now() - make_interval(mins => $2) then 0
                     else failures end as attempts,
                greatest(0, extract(epoch from (locked_until - now())) * 1000)::float8 as wait_ms
           from login_attempts where key = $1 for update`,
        [key, THROTTLE.windowMinutes],
      );
      rows.push({
        key,
        rule,
        attempts: Number(r[0]?.attempts ?? 0),
        waitMs: Number(r[0]?.wait_ms ?? 0),
      });
    }
    const waitMs = Math.max(...rows.map((r) => r.waitMs));
    if (waitMs > 0) return { admitted: false as const, waitMs };
    for (const r of rows) {
      const n = r.attempts + 1;
      const delay = delayAfter(n, r.rule);
      await q(
        `update login_attempts set
           window_start = case when failures = 0 or window_start < now() - make_interval(mins => $2)
                               then now() else window_start end,
           failures = $3,
           locked_until = case when $4::float8 > 0
                               then now() + make_interval(secs => $4::float8 / 1000) end
         where key = $1`,
        [r.key, THROTTLE.windowMinutes, n, delay],
      );
    }
    return { admitted: true as const, accountAttempts: (rows[0]?.attempts ?? 0) + 1 };
  });
  if (!verdict.admitted) {
    const seconds = Math.max(1, Math.ceil(verdict.waitMs / 1000));
    throw new DomainError('too-many-attempts', `too many sign-in attempts; wait ${seconds} s`, {
      extra: { retryAfter: seconds },
    });
  }
  return { accountKey, addressKey, accountAttempts: verdict.accountAttempts };
}

/** After a successful sign-in: the account starts afresh, the address forgets this attempt. */
export async function signInSucceeded(db: Db, a: Admission): Promise<void> {
  await db.batch([
    { text: 'delete from login_attempts where key = $1', params: [a.accountKey] },
    ...(a.addressKey
      ? [
          {
            text: `update login_attempts set failures = greatest(failures - 1, 0)
                    where key = $1`,
            params: [a.addressKey],
          },
        ]
      : []),
  ]);
}
