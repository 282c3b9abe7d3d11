import { describe, expect, it } from 'vitest';
import { mergeBatch, mergeStmts } from './merge.ts';
import type { Stmt } from './stmt.ts';

const row = (text: string, ids: string[], keyed = false, shared = false): Stmt => ({
  text,
  params: [ids, ids.map((i) => `${i}!`)],
  rows: keyed ? { keys: ids, shared } : {},
});

describe('mergeStmts', () => {
  it('merges statements of the same text by concatenating their row arrays, in first-seen order', () => {
    const merged = mergeStmts([
      { tag: 'a', at: 0, stmt: row('A', ['1', '2']) },
      { tag: 'a', at: 1, stmt: row('B', ['9']) },
      { tag: 'b', at: 0, stmt: row('A', ['3']) },
    ]);
    expect(merged.map((m) => [m.stmt.text, m.stmt.params])).toEqual([
      [
        'A',
        [
          ['1', '2', '3'],
          ['1!', '2!', '3!'],
        ],
      ],
      ['B', [['9'], ['9!']]],
    ]);
    expect(merged[0]?.from).toEqual([
      { tag: 'a', at: 0 },
      { tag: 'b', at: 0 },
    ]);
  });

  it('keeps a statement that is not row-shaped as it is, in its place', () => {
    const plain: Stmt = { text: 'P', params: [1] };
    const merged = mergeStmts([
      { tag: 0, at: 0, stmt: row('A', ['1']) },
      { tag: 0, at: 1, stmt: plain },
      { tag: 0, at: 2, stmt: plain },
    ]);
    expect(merged.map((m) => m.stmt.text)).toEqual(['A', 'P', 'P']);
  });

  it('refuses a scalar parameter in a row-shaped statement', () => {
    expect(() =>
      mergeStmts([{ tag: 0, at: 0, stmt: { text: 'A', params: [1], rows: {} } }]),
    ).toThrow(/scalar parameter \$1/);
  });
});

describe('mergeBatch', () => {
  it('sends keyed guards first, then the rest, merged; gives each guard the rows of its keys', () => {
    const stmts = [
      row('E', ['e1']),
      row('U', ['r1'], true),
      row('E', ['e2']),
      row('U', ['r2'], true),
    ];
    const m = mergeBatch(stmts);
    expect(m.stmts.map((s) => [s.text, s.params[0]])).toEqual([
      ['U', ['r1', 'r2']],
      ['E', ['e1', 'e2']],
    ]);
    expect(m.stmts[0]?.rows?.keys).toEqual(['r1', 'r2']);
    // r2's guard missed: only r1 came back
    expect(m.view([[{ k: 'r1' }], []])).toEqual([[], [{ k: 'r1' }], [], []]);
  });

  it('starts again after a second write under one key and around a statement that is not row-shaped', () => {
    const plain: Stmt = { text: 'P', params: [] };
    const stmts = [
      row('U', ['r1'], true),
      row('E', ['e1']),
      row('U', ['r1'], true),
      row('E', ['e2']),
      plain,
      row('E', ['e3']),
      row('S', ['u1'], true, true),
      row('S', ['u1'], true, true),
    ];
    const m = mergeBatch(stmts);
    expect(m.stmts.map((s) => [s.text, s.params[0] ?? null])).toEqual([
      ['U', ['r1']],
      ['E', ['e1']],
      ['U', ['r1']],
      ['E', ['e2']],
      ['P', null],
      // a shared guard (a read) may name one key twice
      ['S', ['u1', 'u1']],
      ['E', ['e3']],
    ]);
    const view = m.view([[{ k: 'r1' }], [], [], [], [{ x: 1 }], [{ k: 'u1' }], []]);
    expect(view).toEqual([[{ k: 'r1' }], [], [], [], [{ x: 1 }], [], [{ k: 'u1' }], [{ k: 'u1' }]]);
  });
});
