import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutUtf8, utf8Bytes } from './text.ts';

describe('cutUtf8', () => {
  it('keeps text that fits and cuts Chinese text on character boundaries', () => {
    expect(cutUtf8('你好', 6)).toBe('你好');
    // 3 bytes each: 7 bytes leave room for one character and the 3-byte ellipsis
    expect(cutUtf8('你好世界', 7)).toBe('你…');
    expect(cutUtf8('😀😀', 5, '')).toBe('😀');
    expect(cutUtf8('abc', 0)).toBe('');
  });

  it('never exceeds the limit, never splits a character, and keeps a prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(600), (s, n) => {
        const out = cutUtf8(s, n);
        expect(utf8Bytes(out)).toBeLessThanOrEqual(n);
        // a lone surrogate would re-encode as U+FFFD: the round trip shows none was split
        expect(new TextDecoder().decode(new TextEncoder().encode(out))).toBe(out);
        const body = out.endsWith('…') && out !== s ? out.slice(0, -1) : out;
        expect(s.startsWith(body)).toBe(true);
        if (utf8Bytes(s) <= n) expect(out).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
