/**
 * The published retry schedule (docs/delivery.md): the first attempt immediately, then after
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — eight attempts over about 28 hours — each
 * delay stretched by up to 20 % of random jitter so a receiver that comes back is not hit by
 * every retry at once. After the eighth failure the delivery is `failed` (replayable).
 */
export const RETRY_SCHEDULE_MS = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const;

/** A target failing without a break this long is disabled and admins are told. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;

/**
 * Milliseconds to wait after attempt `attempt` (1-based) failed, or null when it was the
 * last. `scale` shortens the schedule for tests; `random` in [0, 1).
 */
export function retryDelayMs(attempt: number, scale = 1, random = Math.random()): number | null {
  const base = RETRY_SCHEDULE_MS[attempt];
  if (base === undefined) return null;
  return Math.round(base * scale * (1 + 0.2 * random));
}
