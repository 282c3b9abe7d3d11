import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOT_LIMITS, fullBucket, type RateLimit, take } from './bucket.ts';

/** Sends at the given instants through the bucket; the instants that got a token. */
function run(limits: readonly RateLimit[], times: number[]): number[] {
  let state = fullBucket(limits, times[0] ?? 0);
  const sent: number[] = [];
  for (const t of times) {
    const r = take(state, limits, t);
    state = r.state;
    if (r.ok) sent.push(t);
  }
  return sent;
}

/** The most sends in any window [t, t + w) that starts at a send. */
function busiest(sent: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < sent.length; i++) {
    while (j < sent.length && (sent[j] as number) < (sent[i] as number) + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('token bucket', () => {
  it('a burst of 100 to a 20/min bot gets 10 at once, then one every 6 s', () => {
    const sent = run(
      BOT_LIMITS.dingtalk,
      Array.from({ length: 100 }, () => 0),
    );
    expect(sent).toHaveLength(10);
    const r = take({ tokens: [0], at: 0 }, BOT_LIMITS.dingtalk, 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.waitMs).toBe(6000);
  });

  it('never lets more than a limit into any window, for every platform and any timing', () => {
    for (const limits of Object.values(BOT_LIMITS)) {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 400 }),
          (raw) => {
            const sent = run(
              limits,
              [...raw].sort((a, b) => a - b),
            );
            for (const l of limits) expect(busiest(sent, l.windowMs)).toBeLessThanOrEqual(l.count);
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('a caller that waits the answered time gets a token', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 50 }), (gaps) => {
        const limits = BOT_LIMITS.feishu;
        let now = 0;
        let state = fullBucket(limits, 0);
        for (const g of gaps) {
          now += g;
          const r = take(state, limits, now);
          state = r.state;
          if (!r.ok) {
            now += r.waitMs;
            const again = take(state, limits, now);
            expect(again.ok).toBe(true);
            state = again.state;
          }
        }
      }),
    );
  });
});
