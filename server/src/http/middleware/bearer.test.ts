import { describe, expect, it } from 'vitest';
import { newTokenSecret, parseToken } from '../../services/auth/api-tokens.ts';
import { bearerOf } from './bearer.ts';

describe('bearer header', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer clk_a_b_c', 'clk_a_b_c'],
    ['bearer   clk_a_b_c  ', 'clk_a_b_c'],
    ['Bearer', ''],
    ['Bearer ', ''],
  ])('%s → %s', (header, token) => {
    expect(bearerOf(header)).toBe(token);
  });
});

describe('token format', () => {
  it('round-trips, also for workspace ids holding underscores', () => {
    for (const ws of ['demo', 'a_b_c', crypto.randomUUID()]) {
      const t = newTokenSecret(ws);
      expect(parseToken(t.token)).toEqual({ workspaceId: ws, id: t.id, secret: t.secret });
    }
  });

  it.each([
    'clk_',
    'clk_ws',
    `clk__0123456789abcdef_${'a'.repeat(64)}`,
    `clk_ws_0123456789abcdef_${'a'.repeat(63)}`,
    `clk_ws_0123456789ABCDEF_${'a'.repeat(64)}`,
    `xyz_ws_0123456789abcdef_${'a'.repeat(64)}`,
    `clk_${'w'.repeat(400)}_0123456789abcdef_${'a'.repeat(64)}`,
  ])('refuses %s', (token) => {
    expect(parseToken(token)).toBeNull();
  });
});
