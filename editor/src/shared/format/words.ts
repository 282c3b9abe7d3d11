/** Small text helpers shared by the library and training pages. */
import { parseDuration } from '@closeloop/engine';
import type { TFunction } from 'i18next';
import { currentLocale } from '../i18n/index.ts';

type T = TFunction;

export { loc } from '../../shared/loc.ts';

/**
 * An ISO 8601 duration in words, counted the way the SLA counts: "1 个工作日" for P1D on the
 * working clock, "48 hours" for PT48H on the wall clock.
 */
export function durationWords(iso: string, clock: 'wall' | 'working' | undefined, t: T): string {
  const p = parseDuration(iso);
  if (!p) return iso;
  const kind = clock === 'working' ? 'working' : 'wall';
  const units = ['weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
  const parts: string[] = [];
  for (const unit of units) {
    const n = p[unit];
    if (n) parts.push(t(`library.units.${kind}.${unit}`, { count: n }));
  }
  return parts.join(' ') || iso;
}

/** Milliseconds as "2 天 3 小时" / "2 d 3 h", largest two units. */
export function spanWords(ms: number, t: T): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / 60_000);
  const parts: string[] = [];
  if (d) parts.push(t('library.span.d', { count: d }));
  if (h) parts.push(t('library.span.h', { count: h }));
  if (min && parts.length < 2) parts.push(t('library.span.m', { count: min }));
  return parts.slice(0, 2).join(' ') || t('library.span.m', { count: 0 });
}

/** A simulated or real instant, in the reader's language, to the minute. */
export function dateTimeWords(ms: number): string {
  const lang = currentLocale();
  return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
