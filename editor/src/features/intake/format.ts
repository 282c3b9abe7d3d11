/** Dates and numbers as the intake page shows them, in the reader's language. */
import { i18n } from '../../shared/i18n/index.ts';

export function formatWhen(ms: number): string {
  return new Intl.DateTimeFormat(i18n.language === 'en' ? 'en' : 'zh-CN', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

/** The hosted page of a form. */
export const hostedUrl = (key: string) => `${window.location.origin}/f/${key}`;

/** The snippet a site pastes to embed the form (the page is framable). */
export const embedSnippet = (key: string) =>
  `<iframe src="${hostedUrl(key)}" title="lead form" loading="lazy" style="width:100%;max-width:480px;min-height:640px;border:0"></iframe>`;
