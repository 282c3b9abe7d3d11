/**
 * The HTTP suite's world (api.test.ts, api-records.test.ts): a server on the lane, a workspace
 * with every role signed in and one published test SOP, opened before a file's cases and
 * closed after them.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type Client,
  type Json,
  type Lane,
  openWorld,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

export type ApiWorld = {
  srv: Server;
  ws: Workspace;
  admin: Client;
  manager: Client;
  rep1: Client;
  rep2: Client;
  rep3: Client;
  trainer: Client;
  sopId: string;
  /** Creates a record of the test SOP as `c`; 201 expected. */
  create(c: Client, fields?: Record<string, unknown>, extra?: object): Promise<Json>;
};

export function useApiWorld(lane: Lane): ApiWorld {
  const w = { sopId: `it-lead-${crypto.randomUUID().slice(0, 6)}` } as ApiWorld;
  w.create = async (c, fields = {}, extra = {}) => {
    const r = await c.post('/api/records', { sopId: w.sopId, fields, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  beforeAll(async () => {
    Object.assign(w, await openWorld(lane, { publish: [testSop(w.sopId)] }));
  });
  afterAll(async () => {
    await w.srv?.close();
  });
  return w;
}
