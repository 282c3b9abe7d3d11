/** Number formatting for the dashboard: durations, rates, counts, localized titles. */

import type { TFunction } from 'i18next';
import { durationWords } from '../../shared/format/words.ts';
import { type Localized, loc } from '../../shared/loc.ts';

const HOUR = 3_600_000;

/**
 * A duration in ms as minutes, hours or days, whichever reads best; '–' for none. An
 * `approximate` one (a percentile estimated from histograms, periods over 31 days) reads "≈ 5.2 h".
 */
export function duration(ms: number | null | undefined, t: TFunction, approximate = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (approximate) return `≈ ${duration(ms, t)}`;
  if (ms < HOUR) return t('dashboard.units.minutes', { n: Math.round(ms / 60_000) });
  if (ms < 48 * HOUR) return t('dashboard.units.hours', { n: (ms / HOUR).toFixed(1) });
  return t('dashboard.units.days', { n: (ms / (24 * HOUR)).toFixed(1) });
}

/**
 * A stage's SLA as the report sends it (`P1D working`) in words: "1 个工作日" / "1 working
 * day"; '–' for none.
 */
export function slaWords(sla: string | null | undefined, t: TFunction): string {
  if (!sla) return '–';
  const [iso = '', clock] = sla.split(' ');
  return durationWords(iso, clock === 'working' ? 'working' : 'wall', t);
}

/** Hours with one decimal, for chart axes. */
export const hours = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : Math.round((ms / HOUR) * 10) / 10;

export function pct(r: number | null | undefined, digits = 0): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  return `${(r * 100).toFixed(digits)}%`;
}

export const count = (n: number, lang: string) => n.toLocaleString(lang);

/** Indents a nested stage's title by its depth, for tables and chart axes. */
export function stageLabel(s: { title: Localized; depth: number }, lang: string): string {
  return `${'  '.repeat(Math.max(0, s.depth - 1))}${loc(s.title, '', lang)}`;
}

type Cell = string | number | null;

/** Saves a table as CSV, UTF-8 with BOM so Excel reads Chinese correctly (as the server's exports). */
export function downloadCsv(filename: string, header: string[], rows: Cell[][]): void {
  const cell = (v: Cell) => {
    if (v === null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
