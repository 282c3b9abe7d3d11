/**
 * Where a new stage goes and what it is called: pure helpers the editor's store calls when a
 * stage is added, so a new stage never lands on top of another and is named in the
 * manager's words ("新阶段 2"), not after its key.
 */
import type { LocalizedText } from '@closeloop/engine';

export type Box = { x: number; y: number; width: number; height: number };

/** Space kept free around a new box, so it does not touch its neighbours either. */
export const PLACEMENT_GAP = 40;

function overlaps(a: Box, b: Box, gap: number): boolean {
  return (
    a.x < b.x + b.width + gap &&
    b.x < a.x + a.width + gap &&
    a.y < b.y + b.height + gap &&
    b.y < a.y + a.height + gap
  );
}

/**
 * The free spot for a box of `size` nearest to `preferred` (its top-left corner), keeping
 * `gap` from every box in `taken`. Candidates are tried ring by ring on a grid around the
 * preferred point, nearest first, so the answer stays where the manager was looking.
 *
 * @example
 * freeSpot([{ x: 0, y: 0, width: 200, height: 72 }], { x: 0, y: 0 }, { width: 200, height: 72 })
 * // → a spot beside or below the existing stage, never on it
 */
export function freeSpot(
  taken: readonly Box[],
  preferred: { x: number; y: number },
  size: { width: number; height: number },
  gap = PLACEMENT_GAP,
): { x: number; y: number } {
  const fits = (x: number, y: number) =>
    !taken.some((b) => overlaps({ x, y, width: size.width, height: size.height }, b, gap));
  const x0 = Math.round(preferred.x);
  const y0 = Math.round(preferred.y);
  if (fits(x0, y0)) return { x: x0, y: y0 };
  const stepX = Math.round((size.width + gap) / 2);
  const stepY = Math.round((size.height + gap) / 2);
  for (let ring = 1; ring <= 60; ring++) {
    const spots: Array<{ x: number; y: number; d: number }> = [];
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
        const x = x0 + i * stepX;
        const y = y0 + j * stepY;
        spots.push({ x, y, d: (x - x0) ** 2 + (y - y0) ** 2 });
      }
    }
    spots.sort((a, b) => a.d - b.d || a.y - b.y || a.x - b.x);
    const hit = spots.find((s) => fits(s.x, s.y));
    if (hit) return { x: hit.x, y: hit.y };
  }
  // everything near is full: go right of the rightmost box
  const right = taken.reduce((m, b) => Math.max(m, b.x + b.width), x0);
  return { x: right + gap, y: y0 };
}

/**
 * A title not yet used: `base` itself, else `base 2`, `base 3`… (the same number in every
 * language, and skipping a number taken in either).
 *
 * @example
 * numberedTitle({ 'zh-CN': '新阶段', en: 'New stage' }, [{ 'zh-CN': '新阶段', en: 'New stage' }])
 * // → { 'zh-CN': '新阶段 2', en: 'New stage 2' }
 */
export function numberedTitle(
  base: LocalizedText,
  existing: ReadonlyArray<LocalizedText | undefined>,
): LocalizedText {
  const zh = new Set<string>();
  const en = new Set<string>();
  for (const t of existing) {
    if (!t) continue;
    zh.add(t['zh-CN'].trim());
    en.add(t.en.trim());
  }
  const free = (t: LocalizedText) => !zh.has(t['zh-CN']) && !en.has(t.en);
  if (free(base)) return base;
  for (let n = 2; ; n++) {
    const t = { 'zh-CN': `${base['zh-CN']} ${n}`, en: `${base.en} ${n}` };
    if (free(t)) return t;
  }
}
