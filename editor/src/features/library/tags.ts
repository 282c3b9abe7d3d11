/** A library tag in the reader's language: templates' tags have names; others show as typed. */
import type { TFunction } from 'i18next';

export const tagName = (t: TFunction, tag: string): string =>
  String(t(`library.tagNames.${tag}`, { defaultValue: tag }));
