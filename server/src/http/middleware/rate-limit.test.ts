import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  it('allows `limit` requests per window and key, then says how long to wait', () => {
    const rl = createRateLimiter({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => rl.take('a', t0))).toEqual([0, 0, 0]);
    expect(rl.take('a', t0 + 15_000)).toBe(45);
    expect(rl.take('b', t0 + 15_000)).toBe(0);
    expect(rl.take('a', t0 + 60_000)).toBe(0);
  });

  it('forgets old keys instead of growing without bound', () => {
    const rl = createRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 2 });
    rl.take('a', 0);
    rl.take('b', 0);
    expect(rl.take('c', 5000)).toBe(0);
    expect(rl.take('a', 5000)).toBe(0);
  });
});
