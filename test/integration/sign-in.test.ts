/**
 * Sign-in under attack, over real concurrent HTTP: attempts are counted before the password
 * is checked, per account (every spelling of its e-mail) and per client address, with growing
 * delays instead of a long lockout; the owner is told; the cookie is Secure behind a TLS proxy.
 */
// Regression: 25 concurrent attempts (24 wrong, 1 right) were all answered and the right one
// signed in; e-mail variants were separate counters; no per-address limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type Json,
  LANES,
  openWorld,
  PASSWORD,
  type Server,
  type Workspace,
} from './harness.ts';

const FREE = 5;

async function signIn(
  url: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as Json;
  return { status: res.status, body, headers: res.headers };
}

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`sign-in throttling on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    // every test speaks from its own address through the trusted proxy (127.0.0.1)
    // (fresh ones per run: the Postgres lane's database outlives a run, and so do its counts)
    const net = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const from = (host: string) => ({ 'x-forwarded-for': `${net}.${host}` });

    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, {
        server: { trustProxy: '127.0.0.1', signInFreePerAddress: '12' },
        people: [],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('checks at most the free attempts of 25 concurrent ones; the rest, the right one too, are refused unchecked', async () => {
      const email = ws.email('rep1');
      const burst = await Promise.all([
        ...Array.from({ length: 24 }, () => signIn(srv.url, email, 'wrong', from('1'))),
        signIn(srv.url, email, PASSWORD, from('1')),
      ]);
      const checked = burst.filter((r) => r.status !== 429);
      expect(checked.length).toBeLessThanOrEqual(FREE);
      for (const r of burst.filter((x) => x.status === 429)) {
        expect(r.body.code).toBe('too-many-attempts');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(r.headers.get('set-cookie')).toBeNull();
      }
      // the right password was either among the attempts checked, or refused unchecked
      const right = burst[24];
      expect([200, 429]).toContain(right?.status);
      if (right?.status === 429) expect(right.headers.get('set-cookie')).toBeNull();
    });

    it('counts every spelling of an e-mail on one account, and lets the owner in after a short delay', async () => {
      const email = ws.email('rep2');
      const variants = [
        ` ${email} `,
        email.toUpperCase(),
        email.normalize('NFKC').replace('r', 'ｒ'),
        `\t${email}`,
        email,
      ];
      for (const v of variants) {
        expect((await signIn(srv.url, v, 'wrong', from('2'))).status).toBe(401);
      }
      const refused = await signIn(srv.url, email.toUpperCase(), PASSWORD, from('3'));
      expect(refused.status).toBe(429);
      // a delay, not a lockout: the owner gets in once it has run
      const wait = Number(refused.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
      await Bun.sleep(wait * 1000 + 200);
      const c = new Client(srv.url);
      const ok = await c.post('/api/auth/login', {
        email: ` ${email.toUpperCase()} `,
        password: PASSWORD,
      });
      expect(ok.status).toBe(200);
      // and is told of the failures, as the admins are in the audit log
      const notes = await c.get('/api/notifications');
      expect(notes.body.items.map((n: Json) => n.kind)).toContain('auth.sign-in-failures');
      const admin = new Client(srv.url);
      await admin.post(
        '/api/auth/login',
        { email: ws.email('admin'), password: PASSWORD },
        from('9'),
      );
      const audit = await admin.get('/api/admin/audit?action=auth.sign-in-throttled');
      expect(audit.body.items.map((e: Json) => e.targetId)).toContain(ws.userId('rep2'));
    });

    it('refuses a malformed e-mail with 422 before counting anything', async () => {
      for (const email of ['not-an-email', 'a@b', '@@@']) {
        const r = await signIn(srv.url, email, 'x', from('4'));
        expect(r.status).toBe(422);
      }
    });

    it('slows down one address trying many accounts, not other addresses', async () => {
      const ip = from('50');
      for (let i = 0; i < 12; i++) {
        const r = await signIn(srv.url, `nobody-${i}@it.test`, 'wrong', ip);
        expect(r.status).toBe(401);
      }
      expect((await signIn(srv.url, ws.email('rep3'), PASSWORD, ip)).status).toBe(429);
      expect((await signIn(srv.url, ws.email('rep3'), PASSWORD, from('51'))).status).toBe(200);
    });

    it('sets the session cookie Secure behind a trusted TLS proxy, and only then', async () => {
      const viaTls = await signIn(srv.url, ws.email('manager'), PASSWORD, {
        ...from('60'),
        'x-forwarded-proto': 'https',
      });
      expect(viaTls.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      const plain = await signIn(srv.url, ws.email('manager'), PASSWORD, from('61'));
      expect(plain.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    });
  });

  describe.runIf(lane.enabled)(`forwarding headers without a trusted proxy on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, { people: [] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('ignores X-Forwarded-Proto from an untrusted peer', async () => {
      const r = await signIn(srv.url, ws.email('manager'), PASSWORD, {
        'x-forwarded-proto': 'https',
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    });
  });
}
