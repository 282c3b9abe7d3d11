/** Picking the reader's language out of bilingual text: the one helper every feature uses. */
import { currentLocale } from './i18n/index.ts';

export type Localized = { 'zh-CN': string; en: string };

/**
 * The text in `lang` (default: the current language), else in the other language, else
 * `fallback`. Plain strings pass through.
 *
 * @example
 * loc(stage.meta.title, stage.id) // '初次联系' in zh-CN, 'First contact' in en
 */
export function loc(
  text: Localized | string | null | undefined,
  fallback = '',
  lang: string = currentLocale(),
): string {
  if (!text) return fallback;
  if (typeof text === 'string') return text;
  return (lang === 'en' ? text.en : text['zh-CN']) || text.en || text['zh-CN'] || fallback;
}
