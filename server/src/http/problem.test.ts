// Regression: a value Postgres refused (NUL, year 0000) answered 500, and the log printed the
// statement's parameters (SOP documents, customers' personal data).
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config.ts';
import { createDb, type Db } from '../db/client.ts';
import { databaseErrorOf, onError } from './problem.ts';

describe('database errors at the boundary', () => {
  let db: Db;
  beforeAll(async () => {
    const parsed = parseConfig({ dataDir: 'memory://' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
  });
  afterAll(async () => {
    await db.close();
  });

  const failure = async (text: string, params: unknown[]) => {
    try {
      await db.query(text, params);
    } catch (e) {
      return e;
    }
    throw new Error('the statement did not fail');
  };
  const app = (err: unknown) =>
    new Hono()
      .get('/', () => {
        throw err;
      })
      .onError(onError as never);

  it('answers 422 for data Postgres refuses: NUL in text, a day in year 0', async () => {
    for (const [text, params] of [
      ['select $1::text as x', ['Zhang San\u0000']],
      ["select '0000-01-01T00:00:00Z'::timestamptz", []],
      ['select $1::int', ['138 0013 8000']],
    ] as const) {
      const err = await failure(text, [...params]);
      const res = await app(err).request('/');
      expect(res.status, text).toBe(422);
      expect(((await res.json()) as { code: string }).code).toBe('invalid-input');
    }
  });

  it('logs a database error by its code and message, never its parameters', async () => {
    const err = await failure('select $1::int from no_such_table', ['13800138000 Zhang San']);
    expect(databaseErrorOf(err)?.code).toBe('42P01');
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args) => {
      logged.push(args);
    });
    try {
      expect((await app(err).request('/')).status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    const text = JSON.stringify(logged);
    expect(text).toContain('42P01');
    expect(text).not.toContain('13800138000');
    // the refused value quoted after a colon is cut too
    const bad = await failure('select $1::int', ['13800138000 Zhang San']);
    expect(databaseErrorOf(bad)?.message).not.toContain('Zhang');
  });
});
