/**
 * The size rule in `bun run lint` bites: a file over 500 lines and a function over 150 are
 * reported, a describe callback is not (its cases are), and the exempt catalogs pass.
 */
import { describe, expect, it } from 'vitest';
import { oversize } from '../../scripts/size-check.ts';

const lines = (n: number, line = 'x;') => Array.from({ length: n }, () => line).join('\n');
const fn = (name: string, body: number) =>
  `export function ${name}() {\n${lines(body, '  f();')}\n}\n`;

describe('the size rule', () => {
  it('reports a file over 500 lines and a function over 150, and nothing smaller', () => {
    const found = oversize([
      { path: 'server/src/big.ts', text: `${lines(501)}\n` },
      { path: 'server/src/ok.ts', text: `${lines(500)}\n` },
      { path: 'editor/src/long.tsx', text: fn('Long', 149) },
      { path: 'editor/src/short.tsx', text: fn('Short', 148) },
    ]);
    expect(found).toEqual([
      { kind: 'file', path: 'server/src/big.ts', lines: 501 },
      { kind: 'function', path: 'editor/src/long.tsx', name: 'Long', line: 1, lines: 151 },
    ]);
  });

  it('counts the cases of a suite, not the describe callback that holds them', () => {
    const suite = `describe('s', () => {\n${lines(100, "  it('a', () => {});")}\n  it('long', () => {\n${lines(151, '    f();')}\n  });\n});\n`;
    const found = oversize([{ path: 'test/integration/s.test.ts', text: suite }]);
    expect(found.map((f) => (f.kind === 'function' ? f.name : f.path))).toEqual([
      '(callback of it)',
    ]);
  });

  it('leaves out the i18n catalogs, the drizzle schema and the generated API types', () => {
    const big = `${lines(900)}\n`;
    const found = oversize([
      { path: 'editor/src/shared/i18n/zh-CN.ts', text: big },
      { path: 'server/src/db/schema.ts', text: big },
      { path: 'editor/src/shared/api/openapi.d.ts', text: big },
    ]);
    expect(found).toEqual([]);
  });
});
