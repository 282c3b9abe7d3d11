/**
 * Cell text → field value, the way people type it in Chinese spreadsheets: full-width
 * digits, +86 numbers with spaces and dashes, dates as 2026/3/5, 2026年3月5日 or an Excel
 * serial number.
 */
import type { FieldDef, FieldValue, LocalizedText } from '@closeloop/engine';

/** Full-width digits and letters to ASCII, spaces trimmed. */
export const cleanCell = (s: string) => s.normalize('NFKC').trim();

/**
 * A phone as stored: digits only, without +86/0086/86 or separators; an extension after
 * "转"/"#"/"ext" is kept as "#123".
 */
export function normalizePhoneText(raw: string): string {
  let s = cleanCell(raw);
  let ext = '';
  const m = s.match(/(?:#|转|ext\.?|x)\s*(\d{1,6})$/i);
  if (m?.[1]) {
    ext = `#${m[1]}`;
    s = s.slice(0, m.index);
  }
  s = s.replace(/[\s\-–—()（）.·]/g, '');
  s = s.replace(/^(\+86|0086)/, '');
  if (/^86(1[3-9]\d{9})$/.test(s)) s = s.slice(2);
  return s + ext;
}

/** A mainland mobile: 1[3-9] and 9 more digits. */
export const isMainlandMobile = (phone: string) => /^1[3-9]\d{9}$/.test(normalizePhoneText(phone));

const pad = (n: number) => String(n).padStart(2, '0');

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Days from Excel's day 0 (1899-12-30, after its 1900 leap-year bug) to 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25569;

/**
 * Reads a typed date: 2026/3/5, 2026-03-05, 2026.3.5, 2026年3月5日, each optionally with a
 * time (14:30 or 14:30:05), or an Excel serial day number (46086 → 2026-03-05).
 * Returns `{ date: 'YYYY-MM-DD', time: 'HH:mm:ss' | null }` or null.
 */
export function parseTypedDate(raw: string): { date: string; time: string | null } | null {
  const s = cleanCell(raw);
  if (s === '') return null;
  if (/^\d{4,5}(\.\d+)?$/.test(s)) {
    const serial = Number(s);
    // 1982-01-01 .. 2173: a plain number outside that range is not a date
    if (serial < 29952 || serial > 99999) return null;
    const ms = Math.round((serial - EXCEL_EPOCH_DAYS) * 86_400_000);
    const d = new Date(ms);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const hasTime = serial % 1 !== 0;
    const time = hasTime
      ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
      : null;
    return { date, time };
  }
  const m = s.match(
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?秒?)?$/,
  );
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDay(y, mo, d)) return null;
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (m[4] === undefined) return { date, time: null };
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return null;
  return { date, time: `${pad(h)}:${pad(mi)}:${pad(sec)}` };
}

const msg = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

export type Coerced = { ok: true; value: FieldValue } | { ok: false; message: LocalizedText };

/**
 * Turns one cell's text into the value a field of this type stores. `utcOffsetMin` places a
 * typed wall-clock time in the workspace's zone. Empty text gives null (not set).
 */
export function coerceCell(def: FieldDef, raw: string, utcOffsetMin = 480): Coerced {
  const s = cleanCell(raw);
  if (s === '') return { ok: true, value: null };
  const label = def.label;
  switch (def.type) {
    case 'phone':
      return { ok: true, value: normalizePhoneText(s) };
    case 'email':
      return { ok: true, value: s.toLowerCase() };
    case 'number':
    case 'money': {
      const n = Number(s.replace(/[,，\s¥￥]/g, '').replace(/元$/, ''));
      return Number.isFinite(n)
        ? { ok: true, value: n }
        : {
            ok: false,
            message: msg(`「${label['zh-CN']}」应为数字`, `“${label.en}” must be a number`),
          };
    }
    case 'boolean': {
      if (/^(是|true|yes|y|1|有|√)$/i.test(s)) return { ok: true, value: true };
      if (/^(否|false|no|n|0|无|×)$/i.test(s)) return { ok: true, value: false };
      return {
        ok: false,
        message: msg(`「${label['zh-CN']}」应为是或否`, `“${label.en}” must be yes or no`),
      };
    }
    case 'date':
    case 'datetime': {
      const d = parseTypedDate(s);
      if (!d) {
        return {
          ok: false,
          message: msg(
            `「${label['zh-CN']}」不是可识别的日期（如 2026/3/5、2026年3月5日）`,
            `“${label.en}” is not a date we can read (e.g. 2026/3/5, 2026-03-05)`,
          ),
        };
      }
      if (def.type === 'date') return { ok: true, value: d.date };
      const sign = utcOffsetMin >= 0 ? '+' : '-';
      const off = Math.abs(utcOffsetMin);
      return {
        ok: true,
        value: `${d.date}T${d.time ?? '00:00:00'}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`,
      };
    }
    case 'select': {
      const opt = def.options?.find(
        (o) =>
          o.value === s || o.label['zh-CN'] === s || o.label.en.toLowerCase() === s.toLowerCase(),
      );
      return { ok: true, value: opt ? opt.value : s };
    }
    case 'multiSelect': {
      const parts = s
        .split(/[,，、;；|]/)
        .map((p) => p.trim())
        .filter(Boolean);
      return {
        ok: true,
        value: parts.map(
          (p) =>
            def.options?.find((o) => o.value === p || o.label['zh-CN'] === p || o.label.en === p)
              ?.value ?? p,
        ),
      };
    }
    default:
      // text keeps what was typed (trimmed), full-width letters included
      return { ok: true, value: raw.trim() };
  }
}
