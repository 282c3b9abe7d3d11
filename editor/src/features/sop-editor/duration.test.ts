import { describe, expect, it } from 'vitest';
import { joinDuration, splitDuration } from './duration.ts';

describe('durations', () => {
  it.each([
    ['PT30M', 30, 'M'],
    ['PT4H', 4, 'H'],
    ['P2D', 2, 'D'],
    ['P1W', 1, 'W'],
  ] as const)('%s splits and joins back', (iso, amount, unit) => {
    expect(splitDuration(iso)).toEqual({ amount, unit });
    expect(joinDuration(amount, unit)).toBe(iso);
  });
  it('leaves compound durations alone', () => {
    expect(splitDuration('P1DT4H')).toBeNull();
  });
});
