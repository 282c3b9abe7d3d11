/**
 * Drawing an action along the route auto-layout gave it (layout.ts): the route holds while
 * both its ends are still where the stages' handles are; once a stage moves, the canvas falls
 * back to its ordinary step line.
 */
import type { EdgeRoute, Point } from './layout.ts';

/** How far a route's end may be from the handle and still be the route for it. */
const SLACK = { x: 8, y: 2 };

/**
 * The route's points with its ends moved onto the handles, or null when the route no longer
 * starts at `from` and ends at `to` (a stage was moved or resized since the layout).
 */
export function fitRoute(route: EdgeRoute | undefined, from: Point, to: Point): Point[] | null {
  const pts = route?.points;
  if (!pts || pts.length < 2) return null;
  const first = pts[0] as Point;
  const last = pts[pts.length - 1] as Point;
  const near = (a: Point, b: Point) =>
    Math.abs(a.x - b.x) <= SLACK.x && Math.abs(a.y - b.y) <= SLACK.y;
  if (!near(first, from) || !near(last, to)) return null;
  return [from, ...pts.slice(1, -1), to];
}

/** An SVG path through orthogonal points with rounded corners of up to `radius`. */
export function roundedPath(points: Point[], radius = 10): string {
  const [start, ...rest] = points;
  if (!start) return '';
  let d = `M ${start.x} ${start.y}`;
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i] as Point;
    const prev = (i === 0 ? start : rest[i - 1]) as Point;
    const next = rest[i + 1];
    if (!next) {
      d += ` L ${p.x} ${p.y}`;
      break;
    }
    const r = Math.min(
      radius,
      Math.hypot(p.x - prev.x, p.y - prev.y) / 2,
      Math.hypot(next.x - p.x, next.y - p.y) / 2,
    );
    const inX = p.x - Math.sign(p.x - prev.x) * r;
    const inY = p.y - Math.sign(p.y - prev.y) * r;
    const outX = p.x + Math.sign(next.x - p.x) * r;
    const outY = p.y + Math.sign(next.y - p.y) * r;
    d += ` L ${inX} ${inY} Q ${p.x} ${p.y} ${outX} ${outY}`;
  }
  return d;
}

/** The middle of the longest segment: where a label goes when the layout placed none. */
export function routeMiddle(points: Point[]): Point {
  let best = { len: -1, at: points[0] ?? { x: 0, y: 0 } };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len > best.len) best = { len, at: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
  }
  return best.at;
}
