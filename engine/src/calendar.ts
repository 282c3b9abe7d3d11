/**
 * Durations in wall-clock or working time. A working calendar knows working hours,
 * weekends, holidays and the weekend days that are working days (China's 调休).
 */
import type { Calendar } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** China: 09:00–18:00 at +08:00, Saturday and Sunday off, with the 2026 holidays and 调休 days. */
export const chinaCalendar: Calendar = {
  utcOffsetMinutes: 480,
  workStart: '09:00',
  workEnd: '18:00',
  weekend: [0, 6],
  holidays: [
    '2026-01-01',
    '2026-01-02',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-23',
    '2026-04-06',
    '2026-05-01',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

export type DurationParts = {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
};

const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const parsed = new Map<string, Readonly<DurationParts> | null>();

/** Parses an ISO 8601 duration (weeks, days, hours, minutes, seconds); null when malformed. */
export function parseDuration(iso: string): Readonly<DurationParts> | null {
  const known = parsed.get(iso);
  if (known !== undefined) return known;
  const m = DURATION.exec(iso);
  const n = (s: string | undefined) => (s ? Number.parseInt(s, 10) : 0);
  const d = m
    ? Object.freeze({
        weeks: n(m[1]),
        days: n(m[2]),
        hours: n(m[3]),
        minutes: n(m[4]),
        seconds: n(m[5]),
      })
    : null;
  // SOPs name a handful of durations; a flood of distinct strings only resets the memo
  if (parsed.size > 1_000) parsed.clear();
  parsed.set(iso, d);
  return d;
}

/** Wall-clock length of a duration in milliseconds (a day is 24 hours). */
export function durationMs(iso: string): number | null {
  const d = parseDuration(iso);
  if (!d) return null;
  return (d.weeks * 7 + d.days) * DAY + d.hours * HOUR + d.minutes * MINUTE + d.seconds * 1000;
}

function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Local date string (YYYY-MM-DD) of a local-time millisecond value. */
function localDate(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/**
 * A calendar read once: working hours in ms and each local day's answer, kept per calendar
 * object. A calendar is a value; to change one, build a new object (the server does, per
 * workspace settings), so answers kept for the old object are never read for the new one.
 */
type CalendarView = { start: number; end: number; days: Map<number, boolean> };
const views = new WeakMap<Calendar, CalendarView>();

function view(cal: Calendar): CalendarView {
  let v = views.get(cal);
  if (!v) {
    v = {
      start: clockMinutes(cal.workStart) * MINUTE,
      end: clockMinutes(cal.workEnd) * MINUTE,
      days: new Map(),
    };
    views.set(cal, v);
  }
  return v;
}

/** Whether the local date holding `localMs` is a working day. */
function isWorkingLocalDay(localMs: number, cal: Calendar): boolean {
  const days = view(cal).days;
  const n = Math.floor(localMs / DAY);
  let working = days.get(n);
  if (working === undefined) {
    const date = localDate(localMs);
    working = cal.workdays.includes(date)
      ? true
      : cal.holidays.includes(date)
        ? false
        : !cal.weekend.includes(new Date(localMs).getUTCDay());
    // a bounded memo: a calendar walk touches a few days; a scan over years starts afresh
    if (days.size > 20_000) days.clear();
    days.set(n, working);
  }
  return working;
}

/** Whether `utcMs` falls on a working day of `cal` (in the calendar's local time). */
export function isWorkingDay(utcMs: number, cal: Calendar): boolean {
  return isWorkingLocalDay(utcMs + cal.utcOffsetMinutes * MINUTE, cal);
}

/** Longest span the working-time walk will cover before giving up (guards bad calendars). */
const MAX_DAYS_WALKED = 3660;

function dayStart(localMs: number): number {
  return Math.floor(localMs / DAY) * DAY;
}

/** Moves forward to the next working instant (inside working hours), in local ms. */
function toWorkingInstant(localMs: number, cal: Calendar): number {
  const { start, end } = view(cal);
  let t = localMs;
  for (let i = 0; i < MAX_DAYS_WALKED; i++) {
    const d0 = dayStart(t);
    if (isWorkingLocalDay(t, cal)) {
      if (t < d0 + start) return d0 + start;
      if (t < d0 + end) return t;
    }
    t = d0 + DAY;
  }
  throw new Error('calendar has no working time in ten years');
}

function addWorkingMinutes(localMs: number, minutes: number, cal: Calendar): number {
  const { end } = view(cal);
  let t = toWorkingInstant(localMs, cal);
  let remaining = minutes * MINUTE;
  for (let i = 0; i < MAX_DAYS_WALKED * 2; i++) {
    const available = dayStart(t) + end - t;
    if (remaining <= available) return t + remaining;
    remaining -= available;
    t = toWorkingInstant(dayStart(t) + DAY, cal);
  }
  throw new Error('duration too long for the working calendar');
}

function addWorkingDays(localMs: number, days: number, cal: Calendar): number {
  let t = toWorkingInstant(localMs, cal);
  const timeOfDay = t - dayStart(t);
  for (let i = 0; i < days; i++) {
    t = toWorkingInstant(dayStart(t) + DAY, cal);
    t = dayStart(t) + timeOfDay;
  }
  return t;
}

/**
 * The instant `iso` after `startMs`.
 * In `working` time, days and weeks count working days (a week is five) and hours count
 * working hours; the walk starts from the next working instant.
 *
 * @example addDuration(Date.parse('2026-10-09T17:00:00+08:00'), 'PT2H', 'working', chinaCalendar)
 * // → 2026-10-10T10:00+08:00 (a Saturday that is a 调休 working day)
 */
export function addDuration(
  startMs: number,
  iso: string,
  clock: 'wall' | 'working',
  cal: Calendar,
): number {
  const d = parseDuration(iso);
  if (!d) throw new Error(`not an ISO 8601 duration: ${iso}`);
  if (clock === 'wall')
    return (
      startMs +
      (d.weeks * 7 + d.days) * DAY +
      d.hours * HOUR +
      d.minutes * MINUTE +
      d.seconds * 1000
    );
  const offset = cal.utcOffsetMinutes * MINUTE;
  let local = startMs + offset;
  const days = d.weeks * 5 + d.days;
  if (days > 0) local = addWorkingDays(local, days, cal);
  const minutes = d.hours * 60 + d.minutes + d.seconds / 60;
  if (minutes > 0 || days === 0) local = addWorkingMinutes(local, minutes, cal);
  return local - offset;
}

/** Working milliseconds between two instants (0 when `to` is not after `from`). */
export function workingMsBetween(fromMs: number, toMs: number, cal: Calendar): number {
  if (toMs <= fromMs) return 0;
  const offset = cal.utcOffsetMinutes * MINUTE;
  const { start, end } = view(cal);
  const a = fromMs + offset;
  const b = toMs + offset;
  let total = 0;
  for (let d0 = dayStart(a); d0 < b; d0 += DAY) {
    if (!isWorkingLocalDay(d0, cal)) continue;
    const lo = Math.max(a, d0 + start);
    const hi = Math.min(b, d0 + end);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

/**
 * The instant a field value stands for: a datetime as written; a date-only value
 * (YYYY-MM-DD) as midnight of that day in the calendar's time zone, not UTC.
 */
export function toInstant(v: unknown, cal: Calendar): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const t = Date.parse(`${v}T00:00:00Z`);
    return Number.isFinite(t) ? t - cal.utcOffsetMinutes * MINUTE : null;
  }
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}
