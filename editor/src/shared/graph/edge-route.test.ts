import { describe, expect, it } from 'vitest';
import { fitRoute, roundedPath, routeMiddle } from './edge-route.ts';

const route = {
  points: [
    { x: 200, y: 36 },
    { x: 250, y: 36 },
    { x: 250, y: 200 },
    { x: 400, y: 200 },
  ],
};

describe('fitRoute', () => {
  it('snaps the ends onto the handles when they are where the layout left them', () => {
    expect(fitRoute(route, { x: 205, y: 36 }, { x: 395, y: 200 })).toEqual([
      { x: 205, y: 36 },
      { x: 250, y: 36 },
      { x: 250, y: 200 },
      { x: 395, y: 200 },
    ]);
  });

  it('gives the route up once a stage has moved', () => {
    expect(fitRoute(route, { x: 205, y: 80 }, { x: 395, y: 200 })).toBeNull();
    expect(fitRoute(route, { x: 205, y: 36 }, { x: 600, y: 200 })).toBeNull();
    expect(fitRoute(undefined, { x: 0, y: 0 }, { x: 1, y: 1 })).toBeNull();
  });
});

describe('roundedPath', () => {
  it('draws straight runs and rounds each corner', () => {
    const d = roundedPath(route.points, 10);
    expect(d.startsWith('M 200 36 L 240 36 Q 250 36 250 46')).toBe(true);
    expect(d.endsWith('L 400 200')).toBe(true);
  });
});

describe('routeMiddle', () => {
  it('is the middle of the longest segment', () => {
    expect(routeMiddle(route.points)).toEqual({ x: 250, y: 118 });
  });
});
