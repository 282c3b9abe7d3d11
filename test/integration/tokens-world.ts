/**
 * The world of the token and audit suites (tokens-audit.test.ts, audit-log.test.ts): a server
 * on the lane, a workspace with its admin and manager signed in, another workspace's admin,
 * one published test SOP; opened before a file's cases and closed after them.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import {
  as,
  Client,
  type Json,
  type Lane,
  makeWorkspace,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

export type TokensWorld = {
  srv: Server;
  ws: Workspace;
  other: Awaited<ReturnType<typeof makeWorkspace>>;
  admin: Client;
  manager: Client;
  foreign: Client;
  sopId: string;
  /** Mints a token of the scopes as the admin; its id, secret, a client using it and the token. */
  mint(
    scopes: string[],
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; secret: string; c: Client; token: Json }>;
  /** A record of the test SOP owned by rep1 in sales. */
  newRecord(fields?: Record<string, unknown>): Promise<Json>;
  /** The audit log as the admin (at most 200 entries), with an extra query. */
  audit(query?: string): Promise<Json[]>;
};

export function useTokensWorld(lane: Lane): TokensWorld {
  const w = { sopId: `it-tok-${crypto.randomUUID().slice(0, 6)}` } as TokensWorld;
  w.mint = async (scopes, extra = {}) => {
    const r = await w.admin.post('/api/admin/tokens', {
      name: `t-${scopes.join('+')}`,
      scopes,
      ...extra,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = new Client(w.srv.url);
    c.bearer = r.body.secret;
    return {
      id: r.body.token.id as string,
      secret: r.body.secret as string,
      c,
      token: r.body.token,
    };
  };
  w.newRecord = async (fields = { company: 'Tok' }) => {
    const r = await w.admin.post('/api/records', {
      sopId: w.sopId,
      fields,
      ownerId: w.ws.userId('rep1'),
      teamId: 'sales',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.record as Json;
  };
  w.audit = async (query = '') => {
    const r = await w.admin.get(`/api/admin/audit?limit=200${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items as Json[];
  };
  beforeAll(async () => {
    const { srv, ws } = await openWorld(lane, { people: [] });
    const other = await makeWorkspace(srv.db);
    const [admin, manager, foreign] = await Promise.all([
      as(srv.url, ws.email('admin')),
      as(srv.url, ws.email('manager')),
      as(srv.url, other.email('admin')),
    ]);
    Object.assign(w, { srv, ws, other, admin, manager, foreign });
    await publish(admin, testSop(w.sopId));
  });
  afterAll(async () => {
    await w.srv?.close();
  });
  return w;
}
