/**
 * Customer match keys: one normalised value per way of writing the same phone, e-mail,
 * company or person, so that the server can store and index them once on write.
 * Pure: no I/O; libphonenumber-js, opencc-js and pinyin-pro carry their own data.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Converter } from 'opencc-js/t2cn';
import { pinyin } from 'pinyin-pro';

/** The kinds of key a customer is matched on; the first three are hard (one is enough). */
export const CUSTOMER_KEY_KINDS = ['uscc', 'phone', 'email', 'company', 'pinyin'] as const;
export type CustomerKeyKind = (typeof CUSTOMER_KEY_KINDS)[number];
export const HARD_KEY_KINDS: readonly CustomerKeyKind[] = ['uscc', 'phone', 'email'];

export type CustomerKey = { kind: CustomerKeyKind; value: string };

// Hong Kong / Taiwan variants both map to mainland simplified characters; built on first use
let converters: Array<(s: string) => string> | null = null;
function toSimplified(s: string): string {
  converters ??= [Converter({ from: 'hk', to: 'cn' }), Converter({ from: 'tw', to: 'cn' })];
  return converters.reduce((acc, convert) => convert(acc), s);
}

/**
 * A phone number in E.164 (`+8613800138000`), reading it as a Chinese number unless it
 * carries another country code; null when it is not a valid number. Full-width digits,
 * spaces, dashes, brackets, `+86`/`0086` prefixes and an extension (`转 123`, `#123`) are
 * all accepted.
 *
 * @example
 * phoneKey('０１０－６２３４ ５６７８') // '+861062345678'
 */
export function phoneKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw
    .normalize('NFKC')
    .trim()
    .replace(/(#|转|ext\.?|x)\s*\d{1,6}$/i, '')
    .replace(/[\s\-–—.·()（）[\]]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!/^\+?\d{5,20}$/.test(s)) return null;
  const p = parsePhoneNumberFromString(s, 'CN');
  return p?.isValid() ? p.number : null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;

/** An e-mail address trimmed and lower-cased; null when it is not one. */
export function emailKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.normalize('NFKC').trim().toLowerCase();
  return EMAIL.test(s) ? s : null;
}

/** Legal forms that do not tell two companies apart, longest first. */
const LEGAL_SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '集团股份有限公司',
  '有限公司',
  '分公司',
  '集团',
  '公司',
  '工作室',
  '商行',
  '门市部',
  'corporation',
  'company',
  'limited',
  'coltd',
  'ltd',
  'inc',
  'corp',
  'llc',
  'gmbh',
  'co',
].sort((a, b) => b.length - a.length);

/** Simplified Chinese, NFKC, lower case (traditional and full-width forms fold together). */
function fold(raw: string): string {
  return toSimplified(raw.normalize('NFKC')).toLowerCase();
}

/**
 * A company name's key: NFKC, simplified characters, lower case, without brackets and
 * what they hold (branch names: `（北京分公司）`), punctuation, spaces or a legal-form
 * suffix; null when nothing naming a company is left.
 *
 * @example
 * companyKey('深圳市騰訊計算機系統有限公司（北京分公司）') === companyKey('深圳市腾讯计算机系统') // true
 */
export function companyKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = fold(raw)
    .replace(/[(（[【〔][^)）\]】〕]*[)）\]】〕]/g, '')
    .replace(/[\s\p{P}\p{S}]/gu, '');
  if (LEGAL_SUFFIXES.includes(s)) return null;
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (s.length > suffix.length + 1 && s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  if (LEGAL_SUFFIXES.includes(s)) return null;
  return [...s].length >= 2 ? s.slice(0, 100) : null;
}

/**
 * A name's sound: toneless pinyin syllables joined, so 张伟 and 張偉 (or a typo with the
 * same sound, 章伟 → zhangwei) meet; Latin names lower-cased. Null for fewer than two letters.
 */
export function pinyinKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = fold(raw).replace(/[\s\p{P}\p{S}]/gu, '');
  if (!s) return null;
  const out = pinyin(s, { toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .replace(/[^a-z0-9]/g, '');
  return out.length >= 2 ? out.slice(0, 100) : null;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of the first 17 characters of a 统一社会信用代码 (GB 32100-2015). */
export function usccCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * (USCC_WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] ?? null;
}

/** A 统一社会信用代码 upper-cased without spaces; null unless its check character is right. */
export function usccKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(s)) return null;
  return usccCheckChar(s.slice(0, 17)) === s[17] ? s : null;
}

/** What a customer or an incoming lead says about itself, as written. */
export type CustomerFacts = {
  kind: 'company' | 'person';
  name: string;
  phones?: string[];
  emails?: string[];
  uscc?: string | null;
};

/** Every match key of a customer, deduplicated (invalid values give no key). */
export function customerKeys(facts: CustomerFacts): CustomerKey[] {
  const out = new Map<string, CustomerKey>();
  const add = (kind: CustomerKeyKind, value: string | null) => {
    if (value) out.set(`${kind}:${value}`, { kind, value });
  };
  add('uscc', usccKey(facts.uscc));
  for (const p of facts.phones ?? []) add('phone', phoneKey(p));
  for (const e of facts.emails ?? []) add('email', emailKey(e));
  if (facts.kind === 'company') add('company', companyKey(facts.name));
  add('pinyin', pinyinKey(facts.kind === 'company' ? (companyKey(facts.name) ?? '') : facts.name));
  return [...out.values()];
}

/** A phone shown in the pool before it is claimed: `138****8000`. */
export function maskPhone(raw: string): string {
  const key = phoneKey(raw);
  // a mainland landline shows its trunk 0 again (0577…), as people write it
  const national = key?.startsWith('+86') ? key.slice(3) : null;
  const digits =
    national !== null
      ? national.startsWith('1')
        ? national
        : `0${national}`
      : raw.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  // a landline keeps its area code (010, 02x: three digits; others four)
  const head = digits.startsWith('0') && !/^0[12]/.test(digits) ? 4 : 3;
  return `${digits.slice(0, head)}****${digits.slice(-4)}`;
}
