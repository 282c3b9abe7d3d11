/**
 * Field values: type checks per field type, Chinese phone numbers, normalisation.
 */
import { own } from './own.ts';
import type { FieldDef, LocalizedText } from './sop.ts';
import type { Fields, FieldValue } from './types.ts';

export type FieldProblem = { field: string; message: LocalizedText };

const MAX_TEXT = 2_000;
const MAX_LONG_TEXT = 20_000;

/** Strips spaces, dashes, brackets and a +86 / 0086 prefix; keeps an extension after `#`/`转`. */
export function normalizePhone(raw: string): string {
  const s = raw.trim().replace(/[\s\-()（）]/g, '');
  return s.replace(/^(\+86|0086)/, '');
}

/** A mainland mobile (1[3-9] + 9 digits) or a landline with area code (0 + 2–3 + 7–8 digits). */
export function isChinesePhone(raw: string): boolean {
  const s = normalizePhone(raw).replace(/(#|转)\d{1,6}$/, '');
  return /^1[3-9]\d{9}$/.test(s) || /^0\d{2,3}\d{7,8}$/.test(s) || /^[48]00\d{7}$/.test(s);
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkValue(def: FieldDef, v: FieldValue): LocalizedText | null {
  if (v === null || v === '') return null; // clearing a field is always allowed
  const name = def.label;
  const wrong = (why: LocalizedText): LocalizedText => ({
    'zh-CN': `「${name['zh-CN']}」${why['zh-CN']}`,
    en: `“${name.en}” ${why.en}`,
  });
  const options = def.options?.map((o) => o.value) ?? [];
  switch (def.type) {
    case 'text':
    case 'user':
      if (typeof v !== 'string') return wrong({ 'zh-CN': '应为文本', en: 'must be text' });
      if (v.length > MAX_TEXT)
        return wrong({
          'zh-CN': `超过 ${MAX_TEXT} 个字符`,
          en: `is longer than ${MAX_TEXT} characters`,
        });
      return null;
    case 'longText':
      if (typeof v !== 'string') return wrong({ 'zh-CN': '应为文本', en: 'must be text' });
      if (v.length > MAX_LONG_TEXT)
        return wrong({
          'zh-CN': `超过 ${MAX_LONG_TEXT} 个字符`,
          en: `is longer than ${MAX_LONG_TEXT} characters`,
        });
      return null;
    case 'number':
    case 'money':
      if (typeof v !== 'number' || !Number.isFinite(v))
        return wrong({ 'zh-CN': '应为数字', en: 'must be a number' });
      if (def.type === 'money' && v < 0)
        return wrong({ 'zh-CN': '不能为负数', en: 'cannot be negative' });
      return null;
    case 'boolean':
      return typeof v === 'boolean'
        ? null
        : wrong({ 'zh-CN': '应为是或否', en: 'must be true or false' });
    case 'date':
      return typeof v === 'string' && DATE.test(v) && Number.isFinite(Date.parse(v))
        ? null
        : wrong({ 'zh-CN': '应为日期（YYYY-MM-DD）', en: 'must be a date (YYYY-MM-DD)' });
    case 'datetime':
      return typeof v === 'string' &&
        v.length <= 40 &&
        Number.isFinite(Date.parse(v)) &&
        v.includes('T')
        ? null
        : wrong({ 'zh-CN': '应为日期时间（ISO 8601）', en: 'must be a date-time (ISO 8601)' });
    case 'phone':
      return typeof v === 'string' && v.length <= 40 && isChinesePhone(v)
        ? null
        : wrong({
            'zh-CN': '不是有效的中国大陆电话号码',
            en: 'is not a valid mainland China phone number',
          });
    case 'email':
      return typeof v === 'string' && v.length <= 320 && EMAIL.test(v)
        ? null
        : wrong({ 'zh-CN': '不是有效的邮箱地址', en: 'is not a valid email address' });
    case 'url':
      return typeof v === 'string' && v.length <= 2000 && /^https?:\/\/[^\s]+$/.test(v)
        ? null
        : wrong({ 'zh-CN': '不是有效的网址', en: 'is not a valid URL' });
    case 'select':
      return typeof v === 'string' && (options.length === 0 || options.includes(v))
        ? null
        : wrong({
            'zh-CN': `应为以下之一：${options.join('、')}`,
            en: `must be one of: ${options.join(', ')}`,
          });
    case 'multiSelect':
      return Array.isArray(v) &&
        v.every((x) => typeof x === 'string' && (options.length === 0 || options.includes(x)))
        ? null
        : wrong({
            'zh-CN': `应为以下选项的组合：${options.join('、')}`,
            en: `must be a list of: ${options.join(', ')}`,
          });
  }
}

/**
 * Checks and normalises field changes. Unknown keys and values of the wrong type are
 * problems; phone numbers are stored normalised.
 */
export function checkFields(
  defs: ReadonlyMap<string, FieldDef>,
  changes: Fields,
): { ok: true; fields: Fields } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const out: Fields = {};
  for (const [key, value] of Object.entries(changes)) {
    const def = defs.get(key);
    if (!def) {
      problems.push({
        field: key,
        message: { 'zh-CN': `没有名为「${key}」的字段`, en: `no field named "${key}"` },
      });
      continue;
    }
    const m = checkValue(def, value);
    if (m) problems.push({ field: key, message: m });
    else
      out[key] = def.type === 'phone' && typeof value === 'string' ? normalizePhone(value) : value;
  }
  return problems.length ? { ok: false, problems } : { ok: true, fields: out };
}

/**
 * How a record is named in lists and notifications: the contact's name with the company as
 * subtitle, else the company, else the first filled text field; null when nothing is filled.
 *
 * @example
 * recordLabel({ contactName: '王磊', company: '星河科技' }, doc.fields) // { title: '王磊', subtitle: '星河科技' }
 */
export function recordLabel(
  fields: Fields,
  defs: FieldDef[],
): { title: string; subtitle: string } | null {
  const str = (k: string | undefined) => {
    const v = k ? own(fields, k) : undefined;
    return typeof v === 'string' && v.trim() ? v.trim() : '';
  };
  const nameKey =
    defs.find((d) => d.type === 'text' && /contact.*name|^name$|contactName/i.test(d.key))?.key ??
    defs.find((d) => d.type === 'text' && /name/i.test(d.key) && !/company/i.test(d.key))?.key ??
    (fields.contactName !== undefined ? 'contactName' : undefined);
  const companyKey = defs.find((d) => d.key === 'company')?.key ?? 'company';
  const name = str(nameKey);
  const company = str(companyKey);
  if (name) return { title: name, subtitle: company };
  if (company) return { title: company, subtitle: '' };
  const first = defs.find((d) => d.type === 'text' && str(d.key));
  return first ? { title: str(first.key), subtitle: '' } : null;
}
