/**
 * Edges of the API: an API token's requests per minute, live-update streams per session,
 * and the client's x-request-id.
 */
// Regression: no rate limit for API tokens, no cap on SSE streams per session, and the
// client's x-request-id was written to logs unchecked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, LANES, openWorld, type Server } from './harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API edges on ${lane.name}`, () => {
    let srv: Server;
    let admin: Client;

    beforeAll(async () => {
      ({ srv, admin } = await openWorld(lane, {
        server: { tokenRatePerMinute: '5' },
        people: ['admin'],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('limits each API token to its requests per minute, each token on its own', async () => {
      const mint = async (name: string) =>
        (await admin.post('/api/admin/tokens', { name, scopes: ['read'] })).body.secret as string;
      const [a, b] = [await mint('a'), await mint('b')];
      const get = (token: string) =>
        fetch(`${srv.url}/api/records`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 5; i++) expect((await get(a)).status).toBe(200);
      const limited = await get(a);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { code: string }).code).toBe('rate-limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await get(b)).status).toBe(200);
    });

    it('keeps at most four live-update streams per session, closing the oldest', async () => {
      const open = async () => {
        const res = await fetch(`${srv.url}/api/stream`, { headers: { cookie: admin.cookie } });
        expect(res.status).toBe(200);
        const reader = res.body?.getReader();
        if (!reader) throw new Error('no body');
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toContain('event: ready');
        return reader;
      };
      const streams = [];
      for (let i = 0; i < 5; i++) streams.push(await open());
      // the first one ends; the newest still gets its pings
      const ended = await Promise.race([
        (async () => {
          for (;;) if ((await streams[0]?.read())?.done) return true;
        })(),
        Bun.sleep(10_000).then(() => false),
      ]);
      expect(ended).toBe(true);
      for (const s of streams.slice(1)) await s.cancel();
    });

    it('echoes a plain x-request-id and replaces anything else', async () => {
      const plain = await fetch(`${srv.url}/api/health`, {
        headers: { 'x-request-id': 'lb-42.a:b' },
      });
      expect(plain.headers.get('x-request-id')).toBe('lb-42.a:b');
      for (const bad of ['two words', '<script>', 'x'.repeat(101), 'ä']) {
        const res = await fetch(`${srv.url}/api/health`, {
          headers: { 'x-request-id': encodeURI(bad) === bad ? bad : bad.replace('ä', '%C3%A4') },
        });
        expect(res.headers.get('x-request-id'), bad).toMatch(UUID);
      }
    });
  });
}
