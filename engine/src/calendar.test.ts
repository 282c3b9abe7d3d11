import { describe, expect, it } from 'vitest';
import {
  addDuration,
  chinaCalendar,
  durationMs,
  parseDuration,
  workingMsBetween,
} from './calendar.ts';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('durations', () => {
  it.each([
    ['PT15M', 15 * 60_000],
    ['PT4H', 4 * 3_600_000],
    ['P2D', 2 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT2H30M', 86_400_000 + 2.5 * 3_600_000],
  ])('%s is %d ms of wall-clock time', (d, ms) => {
    expect(durationMs(d)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '2H', 'P1Y', 'PT-1H', 'P1.5D', 'PT1H ', 'P1DT'])('rejects %j', (d) => {
    expect(parseDuration(d)).toBeNull();
  });
});

describe('working time in China (2026 holidays and 调休)', () => {
  it.each([
    // start (local +08:00), duration, expected end (local)
    ['2026-11-02T09:00', 'PT4H', '2026-11-02T13:00', 'same day'],
    ['2026-11-02T16:00', 'PT4H', '2026-11-03T11:00', 'spills into the next morning'],
    ['2026-11-06T17:00', 'PT2H', '2026-11-09T10:00', 'Friday evening skips the weekend'],
    ['2026-10-09T17:00', 'PT2H', '2026-10-10T10:00', 'Saturday 10-10 is a 调休 working day'],
    ['2026-09-30T17:00', 'PT2H', '2026-10-08T10:00', 'National Day holiday 10-01..10-07 skipped'],
    ['2026-11-07T11:00', 'PT1H', '2026-11-09T10:00', 'starting on a weekend begins Monday 09:00'],
    ['2026-11-02T20:00', 'PT30M', '2026-11-03T09:30', 'starting after hours begins next morning'],
    ['2026-11-02T10:00', 'P2D', '2026-11-04T10:00', 'working days keep the time of day'],
    ['2026-11-05T10:00', 'P2D', '2026-11-09T10:00', 'working days skip the weekend'],
    ['2026-11-02T10:00', 'P1W', '2026-11-09T10:00', 'a working week is five working days'],
  ])('%s + %s → %s (%s)', (start, d, end) => {
    expect(iso(addDuration(at(`${start}:00+08:00`), d, 'working', chinaCalendar))).toBe(
      iso(at(`${end}:00+08:00`)),
    );
  });

  it('wall clock ignores the calendar', () => {
    expect(iso(addDuration(at('2026-11-06T17:00:00+08:00'), 'PT2H', 'wall', chinaCalendar))).toBe(
      '2026-11-06T11:00:00.000Z',
    );
  });

  it.each([
    ['2026-11-02T09:00', '2026-11-02T18:00', 9],
    ['2026-11-06T17:00', '2026-11-09T10:00', 2],
    ['2026-10-09T17:00', '2026-10-10T10:00', 2],
    ['2026-10-01T00:00', '2026-10-08T00:00', 0],
    ['2026-11-02T12:00', '2026-11-02T11:00', 0],
  ])('working hours between %s and %s: %d', (a, b, hours) => {
    expect(
      workingMsBetween(at(`${a}:00+08:00`), at(`${b}:00+08:00`), chinaCalendar) / 3_600_000,
    ).toBe(hours);
  });

  it('adding then measuring working time round-trips', () => {
    const start = at('2026-09-28T15:20:00+08:00');
    for (const d of ['PT1H', 'PT7H', 'PT20H', 'PT45H']) {
      const end = addDuration(start, d, 'working', chinaCalendar);
      expect(workingMsBetween(start, end, chinaCalendar)).toBe(durationMs(d));
    }
  });

  it('stops with an error on a calendar that has no working days', () => {
    const never = { ...chinaCalendar, weekend: [0, 1, 2, 3, 4, 5, 6], workdays: [] };
    expect(() => addDuration(at('2026-11-02T09:00:00+08:00'), 'PT1H', 'working', never)).toThrow(
      /no working time/,
    );
  });
});
