/** ISO 8601 durations as the forms edit them: one amount and one unit. */
import { parseDuration } from '@closeloop/engine';

export type DurationUnit = 'M' | 'H' | 'D' | 'W';

export function splitDuration(
  iso: string | undefined,
): { amount: number; unit: DurationUnit } | null {
  const p = iso ? parseDuration(iso) : null;
  if (!p || p.seconds) return null;
  const set = (
    [
      ['W', p.weeks],
      ['D', p.days],
      ['H', p.hours],
      ['M', p.minutes],
    ] as const
  ).filter(([, n]) => n > 0);
  const [only] = set;
  return set.length === 1 && only ? { amount: only[1], unit: only[0] } : null;
}

export function joinDuration(amount: number, unit: DurationUnit): string {
  const n = Math.max(1, Math.round(amount));
  return unit === 'M' || unit === 'H' ? `PT${n}${unit}` : `P${n}${unit}`;
}

const UNIT_KEY: Record<DurationUnit, string> = {
  M: 'duration.minutes',
  H: 'duration.hours',
  D: 'duration.days',
  W: 'duration.weeks',
};

export function unitLabel(unit: DurationUnit, t: (k: string) => string): string {
  return t(UNIT_KEY[unit]);
}

/** "4 小时" / "4 hours"; a compound duration is shown as written. */
export function formatDuration(iso: string, t: (k: string) => string): string {
  const d = splitDuration(iso);
  if (!d) return iso;
  return `${d.amount} ${unitLabel(d.unit, t)}`;
}
