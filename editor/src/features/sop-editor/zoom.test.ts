import { describe, expect, it } from 'vitest';
import type { StageNode } from '../../shared/graph/sop-graph.ts';
import { openingViewport, READABLE_ZOOM, sameViewport, savedBounds } from './zoom.ts';

describe('openingViewport', () => {
  it('fits a small SOP whole, centred, never above 1', () => {
    const v = openingViewport({ x: 0, y: 0, width: 400, height: 200 }, 1000, 600);
    expect(v.zoom).toBe(1);
    // the graph's centre lands on the canvas centre
    expect(v.x + 200 * v.zoom).toBe(500);
    expect(v.y + 100 * v.zoom).toBe(300);
  });

  it('fits a mid-sized SOP whole when that stays legible', () => {
    const v = openingViewport({ x: 100, y: 50, width: 1200, height: 400 }, 1000, 600);
    expect(v.zoom).toBeCloseTo((1000 - 48) / 1200);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
  });

  it('opens a wide SOP at a legible zoom at its beginning, centred vertically', () => {
    const b = { x: -300, y: 20, width: 4200, height: 500 };
    const v = openingViewport(b, 960, 700);
    expect(v.zoom).toBe(READABLE_ZOOM);
    // the leftmost stage starts just inside the canvas
    expect(b.x * v.zoom + v.x).toBe(24);
    expect((b.y + b.height / 2) * v.zoom + v.y).toBe(350);
  });

  it('starts a tall one from the top', () => {
    const b = { x: 0, y: -100, width: 3000, height: 3000 };
    const v = openingViewport(b, 960, 700);
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(b.y * v.zoom + v.y).toBe(24);
  });
});

describe('savedBounds', () => {
  const node = (id: string, x: number, y: number, parentId?: string) =>
    ({
      id,
      type: 'stage',
      position: { x, y },
      data: { key: id, kind: 'atomic' },
      ...(parentId ? { parentId } : {}),
    }) as unknown as StageNode;

  it('boxes the top-level stages at their saved places and default size', () => {
    const b = savedBounds([node('a', 0, 0), node('b', 400, 100), node('a.c', 9000, 9000, 'a')]);
    expect(b).toEqual({ x: 0, y: 0, width: 600, height: 172 });
  });

  it('is null for an empty graph', () => {
    expect(savedBounds([])).toBeNull();
  });
});

describe('sameViewport', () => {
  it('ignores sub-pixel differences and notices real moves', () => {
    expect(sameViewport({ x: 10, y: 10, zoom: 0.7 }, { x: 10.4, y: 9.7, zoom: 0.701 })).toBe(true);
    expect(sameViewport({ x: 10, y: 10, zoom: 0.7 }, { x: 14, y: 10, zoom: 0.7 })).toBe(false);
    expect(sameViewport({ x: 10, y: 10, zoom: 0.7 }, { x: 10, y: 10, zoom: 0.16 })).toBe(false);
  });
});
