/**
 * Byte-exact text cutting for the chat platforms, whose limits are counted in UTF-8 bytes
 * (企业微信 markdown 4,096, 钉钉 text 5,000, 飞书 20 KB bodies).
 */

const encoder = new TextEncoder();

/** The UTF-8 length of `text`. */
export const utf8Bytes = (text: string): number => encoder.encode(text).length;

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes without splitting a character (a surrogate
 * pair stays whole); when it had to cut and there is room, it ends with `ellipsis`.
 */
export function cutUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (maxBytes <= 0) return '';
  if (utf8Bytes(text) <= maxBytes) return text;
  const tail = utf8Bytes(ellipsis) < maxBytes ? ellipsis : '';
  const budget = maxBytes - utf8Bytes(tail);
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const n = charBytes(ch.codePointAt(0) ?? 0);
    if (used + n > budget) break;
    used += n;
    end += ch.length;
  }
  return text.slice(0, end) + tail;
}

function charBytes(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}
