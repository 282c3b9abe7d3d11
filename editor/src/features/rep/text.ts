import { currentLocale } from '../../shared/i18n/index.ts';
import type { Localized } from './api.ts';

/** SOP text in the reader's language (light: the header's bell uses it on every page). */
export function loc(text: Localized | null | undefined, fallback = ''): string {
  if (!text) return fallback;
  return text[currentLocale()] || text['zh-CN'] || text.en || fallback;
}
