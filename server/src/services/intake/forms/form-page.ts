/**
 * The hosted form page at /f/:key: server-rendered, phone-first, no script (the CSP allows
 * none inline), posting back to itself. UTM parameters, the referrer and the landing URL
 * ride along as hidden fields; `website` is the honeypot.
 */
import type { FieldDef, LocalizedText } from '@closeloop/engine';
import type { Form } from './forms.ts';

export type Lang = 'zh-CN' | 'en';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const UI = {
  submit: { 'zh-CN': '提交', en: 'Submit' },
  required: { 'zh-CN': '必填', en: 'required' },
  honeypot: { 'zh-CN': '请勿填写', en: 'Leave empty' },
  notFound: { 'zh-CN': '表单不存在或已停用', en: 'This form does not exist or is closed' },
  fix: { 'zh-CN': '请检查以下内容：', en: 'Please check:' },
} satisfies Record<string, LocalizedText>;

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f7fa;color:#1f2328}
main{max-width:480px;margin:0 auto;padding:24px 16px}h1{font-size:22px;margin:8px 0 20px}
label{display:block;margin:0 0 16px;font-weight:600}input,textarea{display:block;width:100%;margin-top:6px;padding:12px;font:inherit;font-weight:400;border:1px solid #c9d1d9;border-radius:8px;background:#fff}
textarea{min-height:96px}small{color:#8c959f;font-weight:400}button{width:100%;padding:14px;font:inherit;font-weight:600;color:#fff;background:#1677ff;border:0;border-radius:8px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.err{background:#fff1f0;border:1px solid #ffa39e;border-radius:8px;padding:12px;margin-bottom:16px}
.done{background:#fff;border-radius:12px;padding:32px 16px;text-align:center;font-size:18px}nav{text-align:right;font-size:14px}nav a{color:#1677ff}`;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const inputType = (def: FieldDef | undefined) =>
  def?.type === 'phone'
    ? 'tel" inputmode="tel" autocomplete="tel'
    : def?.type === 'email'
      ? 'email" autocomplete="email'
      : def?.type === 'date'
        ? 'date'
        : 'text';

export function renderForm(
  form: Form,
  defs: readonly FieldDef[],
  opts: {
    lang: Lang;
    action: string;
    shownAt: number;
    hidden: Record<string, string>;
    values?: Record<string, string>;
    errors?: Array<{ path?: string; message: string }>;
  },
): string {
  const { lang } = opts;
  const other: Lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  const fields = form.fields
    .map((f) => {
      const def = defs.find((d) => d.key === f.field);
      const value = esc(opts.values?.[f.field] ?? '');
      const req = f.required ? ` required` : '';
      const control =
        def?.type === 'longText'
          ? `<textarea name="f.${esc(f.field)}" data-testid="form-field-${esc(f.field)}"${req}>${value}</textarea>`
          : `<input type="${inputType(def)}" name="f.${esc(f.field)}" value="${value}" data-testid="form-field-${esc(f.field)}"${req}>`;
      const note = f.required ? ` <small>(${UI.required[lang]})</small>` : '';
      return `<label>${esc(f.label[lang])}${note}${control}</label>`;
    })
    .join('');
  const hidden = Object.entries({ ...opts.hidden, _t: String(opts.shownAt) })
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const errors = opts.errors?.length
    ? `<div class="err" role="alert" data-testid="form-errors">${UI.fix[lang]}<ul>${opts.errors.map((e) => `<li>${esc(e.message)}</li>`).join('')}</ul></div>`
    : '';
  return page(
    lang,
    form.title[lang],
    `<nav><a href="?lang=${other}">${other === 'en' ? 'English' : '中文'}</a></nav><h1>${esc(form.title[lang])}</h1>${errors}
<form method="post" action="${esc(opts.action)}" data-testid="lead-form">${fields}
<div class="hp" aria-hidden="true"><label>${UI.honeypot[lang]}<input type="text" name="website" tabindex="-1" autocomplete="off"></label></div>
${hidden}<input type="hidden" name="lang" value="${lang}"><button type="submit" data-testid="form-submit">${UI.submit[lang]}</button></form>`,
  );
}

export const renderThanks = (lang: Lang, form: Form) =>
  page(
    lang,
    form.title[lang],
    `<div class="done" data-testid="form-thanks">${esc(form.thankYou[lang])}</div>`,
  );

export const renderMissing = (lang: Lang) =>
  page(lang, UI.notFound[lang], `<div class="done">${UI.notFound[lang]}</div>`);

/** The snippet a site pastes to embed the form. */
export const embedSnippet = (origin: string, key: string) =>
  `<iframe src="${origin}/f/${key}" style="width:100%;max-width:480px;height:640px;border:0" loading="lazy" title="form"></iframe>`;
