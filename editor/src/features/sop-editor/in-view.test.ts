import { describe, expect, it } from 'vitest';
import { AHEAD_PX, nearScreen } from './in-view.ts';

describe('nearScreen', () => {
  const view = { transform: [24, 24, 0.7] as [number, number, number], width: 880, height: 700 };

  it('takes a point on the canvas', () => {
    expect(nearScreen(view, 100, 100)).toBe(true);
  });

  it('takes a point just past the edge, ahead of a pan', () => {
    // 880 px wide: flow x whose screen x is 880 + AHEAD_PX - 1
    const x = (880 + AHEAD_PX - 1 - 24) / 0.7;
    expect(nearScreen(view, x, 100)).toBe(true);
  });

  it('leaves a point far off the canvas', () => {
    expect(nearScreen(view, 4000, 100)).toBe(false);
    expect(nearScreen(view, 100, 3000)).toBe(false);
    expect(nearScreen(view, -1000, 100)).toBe(false);
  });
});
