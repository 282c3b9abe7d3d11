/**
 * A per-channel token bucket, one bucket per platform limit (飞书 has two: 5/s and 100/min).
 *
 * A platform counts sends in a window; a bucket that starts full allows its capacity at once
 * and then its refill, so a bucket of capacity c refilled at r per window W lets at most
 * c + r·W sends into any window of length W. Capacity ⌊n/2⌋ with the rest refilled per window
 * therefore never exceeds n in any window, however the sends are timed — which matters for
 * 钉钉, whose robot is muted for ten minutes once it sends a 21st message within a minute.
 *
 * Pure: the state is plain data the caller keeps in the channel's row (`rate_state`).
 */

export type RateLimit = { count: number; windowMs: number };

/** The platform limits per bot (each robot's documented limit). */
export const BOT_LIMITS = {
  wecom: [{ count: 20, windowMs: 60_000 }],
  dingtalk: [{ count: 20, windowMs: 60_000 }],
  feishu: [
    { count: 5, windowMs: 1_000 },
    { count: 100, windowMs: 60_000 },
  ],
} as const satisfies Record<string, readonly RateLimit[]>;

/** Tokens per limit, as of `at` (epoch ms). */
export type BucketState = { tokens: number[]; at: number };

const capacityOf = (l: RateLimit) => Math.max(1, Math.floor(l.count / 2));
const ratePerMs = (l: RateLimit) => (l.count - capacityOf(l)) / l.windowMs;

/** A full bucket at `now`. */
export const fullBucket = (limits: readonly RateLimit[], now: number): BucketState => ({
  tokens: limits.map(capacityOf),
  at: now,
});

/** The state refilled up to `now` (a state of another shape starts full). */
export function refill(
  state: BucketState | null,
  limits: readonly RateLimit[],
  now: number,
): BucketState {
  if (!state || state.tokens.length !== limits.length) return fullBucket(limits, now);
  const dt = Math.max(0, now - state.at);
  return {
    tokens: limits.map((l, i) =>
      Math.min(capacityOf(l), (state.tokens[i] ?? 0) + dt * ratePerMs(l)),
    ),
    at: Math.max(now, state.at),
  };
}

/**
 * Takes one token from every limit at `now`: `ok` with the new state, or how long until a
 * token is there (the state refilled, nothing taken).
 */
export function take(
  state: BucketState | null,
  limits: readonly RateLimit[],
  now: number,
): { ok: true; state: BucketState } | { ok: false; state: BucketState; waitMs: number } {
  const s = refill(state, limits, now);
  const waits = limits.map((l, i) => {
    const have = s.tokens[i] ?? 0;
    return have >= 1 - 1e-9 ? 0 : Math.ceil((1 - have) / ratePerMs(l));
  });
  const waitMs = Math.max(0, ...waits);
  if (waitMs > 0) return { ok: false, state: s, waitMs };
  return { ok: true, state: { tokens: s.tokens.map((t) => t - 1), at: s.at } };
}
