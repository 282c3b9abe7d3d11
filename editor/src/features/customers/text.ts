/** Presentation helpers for customers: localized text, dates, who owns what. */
import { i18n } from '../../shared/i18n/index.ts';

export const loc = (t: { 'zh-CN': string; en: string }) =>
  i18n.language === 'en' ? t.en : t['zh-CN'];

export const day = (ms: number | null) =>
  ms === null
    ? '—'
    : new Date(ms).toLocaleDateString(i18n.language, { month: 'short', day: 'numeric' });

export const dateTime = (ms: number) =>
  new Date(ms).toLocaleString(i18n.language, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/** The name to show (a customer created from empty fields has none). */
export const displayName = (name: string) => (name.trim() ? name : i18n.t('customers.untitled'));
