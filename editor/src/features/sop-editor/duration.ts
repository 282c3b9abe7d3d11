/** ISO 8601 durations as the forms edit them: one amount and one unit. */
export type DurationUnit = 'M' | 'H' | 'D' | 'W';

export function splitDuration(
  iso: string | undefined,
): { amount: number; unit: DurationUnit } | null {
  if (!iso) return null;
  const m = /^P(?:(\d+)W|(\d+)D|T(\d+)H|T(\d+)M)$/.exec(iso);
  if (!m) return null;
  if (m[1]) return { amount: Number(m[1]), unit: 'W' };
  if (m[2]) return { amount: Number(m[2]), unit: 'D' };
  if (m[3]) return { amount: Number(m[3]), unit: 'H' };
  return { amount: Number(m[4]), unit: 'M' };
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
