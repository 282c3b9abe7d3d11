import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Box, freeSpot, numberedTitle, PLACEMENT_GAP } from './placement.ts';

const STAGE = { width: 200, height: 72 };

const clear = (spot: { x: number; y: number }, boxes: Box[]) =>
  boxes.every(
    (b) =>
      spot.x >= b.x + b.width + PLACEMENT_GAP ||
      b.x >= spot.x + STAGE.width + PLACEMENT_GAP ||
      spot.y >= b.y + b.height + PLACEMENT_GAP ||
      b.y >= spot.y + STAGE.height + PLACEMENT_GAP,
  );

describe('freeSpot', () => {
  it('keeps the preferred spot when it is free', () => {
    expect(freeSpot([{ x: 0, y: 0, ...STAGE }], { x: 500, y: 0 }, STAGE)).toEqual({
      x: 500,
      y: 0,
    });
  });

  // a new stage used to land exactly on the stage at the centre of the view
  it('moves off a stage sitting on the preferred spot, staying near it', () => {
    const boxes = [{ x: 0, y: 0, ...STAGE }];
    const spot = freeSpot(boxes, { x: 0, y: 0 }, STAGE);
    expect(clear(spot, boxes)).toBe(true);
    expect(Math.hypot(spot.x, spot.y)).toBeLessThan(400);
  });

  it('finds a gap in a crowded row rather than stacking', () => {
    const boxes = [0, 1, 2, 3].map((i) => ({ x: i * 260, y: 0, ...STAGE }));
    const spot = freeSpot(boxes, { x: 260, y: 0 }, STAGE);
    expect(clear(spot, boxes)).toBe(true);
  });

  it('never overlaps any box, wherever the boxes are', () => {
    const box = fc.record({
      x: fc.integer({ min: -1000, max: 1000 }),
      y: fc.integer({ min: -1000, max: 1000 }),
      width: fc.integer({ min: 20, max: 400 }),
      height: fc.integer({ min: 20, max: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(box, { maxLength: 30 }),
        fc.integer({ min: -800, max: 800 }),
        fc.integer({ min: -800, max: 800 }),
        (boxes, x, y) => clear(freeSpot(boxes, { x, y }, STAGE), boxes),
      ),
    );
  });
});

describe('numberedTitle', () => {
  const base = { 'zh-CN': '新阶段', en: 'New stage' };

  it('uses the plain name when it is free', () => {
    expect(numberedTitle(base, [{ 'zh-CN': '已联系', en: 'Contacted' }])).toEqual(base);
  });

  it('numbers the name when it is taken, in both languages alike', () => {
    expect(numberedTitle(base, [base, { 'zh-CN': '新阶段 2', en: 'Other' }])).toEqual({
      'zh-CN': '新阶段 3',
      en: 'New stage 3',
    });
  });

  it('counts a title taken in one language only', () => {
    expect(numberedTitle(base, [{ 'zh-CN': '别的', en: 'New stage' }, undefined])).toEqual({
      'zh-CN': '新阶段 2',
      en: 'New stage 2',
    });
  });
});
