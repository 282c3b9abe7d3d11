/**
 * Hardening: sign-in lockout kept in the database (so several server processes
 * share it), session rotation at sign-in, and sign-in required before any validation.
 */
import { createApp, systemClock } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, LANES, openWorld, PASSWORD, type Server, type Workspace } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`hardening on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;

    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, { people: [] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('locks an email out after repeated failures, across processes sharing the database', async () => {
      // a second app over the same database stands in for a second server process
      const second = createApp({ db: srv.db, clock: systemClock, config: srv.app.deps.config });
      const viaSecond = (body: unknown) =>
        second.fetch(
          new Request('http://127.0.0.1/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        );
      const email = ws.email('rep3');
      const c = new Client(srv.url);
      for (let i = 0; i < 3; i++) {
        expect((await c.post('/api/auth/login', { email, password: 'wrong' })).status).toBe(401);
      }
      for (let i = 0; i < 2; i++) {
        expect((await viaSecond({ email, password: 'wrong' })).status).toBe(401);
      }
      // locked now: even the right password is refused, on either process
      const locked = await c.post('/api/auth/login', { email, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.body.type).toMatch(/too-many-attempts$/);
      expect((await viaSecond({ email, password: PASSWORD })).status).toBe(429);
      // other people are not affected
      expect(
        (await c.post('/api/auth/login', { email: ws.email('rep2'), password: PASSWORD })).status,
      ).toBe(200);
    });

    it('rotates the session at sign-in: the old cookie stops working', async () => {
      const c = new Client(srv.url);
      await c.login(ws.email('rep1'));
      const first = c.cookie;
      await c.login(ws.email('rep1'));
      expect(c.cookie).not.toBe(first);
      const stale = new Client(srv.url);
      stale.cookie = first;
      expect((await stale.get('/api/me')).status).toBe(401);
      expect((await c.get('/api/me')).status).toBe(200);
    });

    it('refuses cookie-authenticated writes that are neither JSON nor carry the CSRF header', async () => {
      const c = new Client(srv.url);
      await c.login(ws.email('manager'));
      // what a cross-site form could send: a simple content type, no custom header
      const form = await fetch(`${srv.url}/api/records`, {
        method: 'POST',
        headers: { cookie: c.cookie, 'content-type': 'text/plain' },
        body: JSON.stringify({ sopId: 'x', fields: {} }),
      });
      expect(form.status).toBe(403);
      expect(((await form.json()) as { type: string }).type).toMatch(/csrf-rejected$/);
      const bare = await fetch(`${srv.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie: c.cookie },
      });
      expect(bare.status).toBe(403);
      expect((await c.get('/api/me')).status).toBe(200);
      const ok = await fetch(`${srv.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie: c.cookie, 'x-closeloop-csrf': '1' },
      });
      expect(ok.status).toBe(200);
    });

    it('ends idle sessions and sessions past their absolute lifetime; use slides the idle deadline', async () => {
      const userSessions = (email: string) =>
        srv.db.query(
          `select s.id, s.expires_at from sessions s join users u
              on u.workspace_id = s.workspace_id and u.id = s.user_id
            where u.email = $1`,
          [email],
        );
      const idle = new Client(srv.url);
      await idle.login(ws.email('trainer'));
      await srv.db.query(
        `update sessions set expires_at = now() + interval '1 hour'
          where id = any($1::text[])`,
        [(await userSessions(ws.email('trainer'))).map((r) => String(r.id))],
      );
      expect((await idle.get('/api/me')).status).toBe(200);
      // used with an hour left: slid forward to the idle timeout again
      const slid = await userSessions(ws.email('trainer'));
      expect(new Date(String(slid[0]?.expires_at)).getTime()).toBeGreaterThan(
        Date.now() + 24 * 3600_000,
      );
      await srv.db.query(
        `update sessions set expires_at = now() - interval '1 second' where id = any($1::text[])`,
        [slid.map((r) => String(r.id))],
      );
      expect((await idle.get('/api/me')).status).toBe(401);
      const old = new Client(srv.url);
      await old.login(ws.email('admin'));
      await srv.db.query(
        `update sessions set created_at = now() - interval '15 days' where id = any($1::text[])`,
        [(await userSessions(ws.email('admin'))).map((r) => String(r.id))],
      );
      expect((await old.get('/api/me')).status).toBe(401);
    });

    it('sends secure headers with a Content-Security-Policy', async () => {
      const r = await new Client(srv.url).get('/api/health');
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const page = await new Client(srv.url).get('/some/spa/route');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    });

    it('answers 401 before validating anything for callers without a session', async () => {
      const anon = new Client(srv.url);
      const r = await anon.post('/api/records', { nonsense: true });
      expect(r.status).toBe(401);
      expect((await anon.get('/api/reports/funnel')).status).toBe(401);
    });
  });
}
