/**
 * i18next setup. Every user-facing string lives in zh-CN.ts and en.ts (en is typed against
 * zh-CN, so a key missing from either fails the type check). Areas added later put their
 * strings under their own top-level key in both files.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];

const STORAGE_KEY = 'closeloop.locale';

function isLocale(x: unknown): x is AppLocale {
  return x === 'zh-CN' || x === 'en';
}

/** The remembered choice, else the browser's language, else Simplified Chinese. */
export function initialLocale(): AppLocale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage blocked (private mode): fall through
  }
  const nav = (typeof navigator === 'undefined' ? undefined : navigator.language) ?? 'zh-CN';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

/** Whether the user picked a language themselves (then the account's locale does not win). */
export function hasStoredLocale(): boolean {
  try {
    return isLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return false;
  }
}

export function setLocale(locale: AppLocale, remember = true): void {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // not remembered, still switched
    }
  }
  void i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

/** The current language as the SOP's LocalizedText key. */
export function currentLocale(): AppLocale {
  return isLocale(i18n.language) ? i18n.language : 'zh-CN';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLocale(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});
if (typeof document !== 'undefined') document.documentElement.lang = i18n.language;

export { i18n };
