/**
 * Text the database can store. Postgres refuses NUL (U+0000) in text and jsonb, and a UTF-16
 * surrogate without its partner either fails in jsonb or is silently replaced by U+FFFD in
 * text. `unsafeTextPaths` is the one check every validated request input passes through
 * (path, query, header and JSON body, keys included; the shared validation hook in
 * context.ts), so no route can forget it and free-form JSON (SOP documents, field values) is
 * covered too.
 */

import type { LocalizedText } from '@closeloop/engine';

/** In `u` mode a class of surrogates matches only those not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when `s` has no NUL and no unpaired surrogate. */
export function isSafeText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

export const UNSAFE_TEXT_MESSAGE: LocalizedText = {
  'zh-CN': '文本不能包含空字符（U+0000）或不成对的 UTF-16 代理项',
  en: 'Text must not contain NUL (U+0000) or unpaired UTF-16 surrogates',
};

/**
 * The JSON paths of every unsafe string or object key in `value` (at most `max`), walked
 * without recursion so that deeply nested input cannot exhaust the stack.
 */
export function unsafeTextPaths(value: unknown, max = 20): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length && out.length < max) {
    const [v, path] = stack.pop() ?? [null, []];
    if (typeof v === 'string') {
      if (!isSafeText(v)) out.push(path);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!isSafeText(k)) out.push([...path, k]);
        stack.push([x, [...path, k]]);
      }
    }
  }
  return out;
}
