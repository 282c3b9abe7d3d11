import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { parseConfig, type TrustProxy } from '../../config.ts';
import type { AppEnv } from '../context.ts';
import { clientIp, isHttps } from './proxy.ts';

const app = (trust: TrustProxy) =>
  new Hono<AppEnv>().get('/', (c) => c.json({ ip: clientIp(c, trust), https: isHttps(c, trust) }));
const xff = { 'x-forwarded-for': '203.0.113.9, 10.0.0.7', 'x-forwarded-proto': 'https' };

async function viaSocket(trust: TrustProxy) {
  const server = Bun.serve({ port: 0, fetch: (req, s) => app(trust).fetch(req, s) });
  try {
    return await (await fetch(`http://127.0.0.1:${server.port}/`, { headers: xff })).json();
  } finally {
    server.stop(true);
  }
}

describe('forwarding headers', () => {
  it('takes the last X-Forwarded-For entry and X-Forwarded-Proto only when trusted', async () => {
    expect(await (await app(true).request('/', { headers: xff })).json()).toEqual({
      ip: '10.0.0.7',
      https: true,
    });
  });

  it('ignores them otherwise and answers null without a Bun server', async () => {
    expect(await (await app(false).request('/', { headers: xff })).json()).toEqual({
      ip: null,
      https: false,
    });
  });

  it('believes a listed proxy and no other peer', async () => {
    expect(await viaSocket(['127.0.0.1'])).toEqual({ ip: '10.0.0.7', https: true });
    const other = await viaSocket(['192.0.2.1']);
    expect(other.https).toBe(false);
    expect(other.ip).toMatch(/127\.0\.0\.1$/);
  });

  it('parses TRUST_PROXY as off, on or a list of addresses, and refuses anything else', () => {
    const parse = (v: string) => parseConfig({ trustProxy: v });
    expect(parse('off')).toMatchObject({ ok: true, config: { trustProxy: false } });
    expect(parse('on')).toMatchObject({ ok: true, config: { trustProxy: true } });
    expect(parse('10.0.0.1, ::1')).toMatchObject({
      ok: true,
      config: { trustProxy: ['10.0.0.1', '::1'] },
    });
    expect(parse('proxy.local')).toEqual({
      ok: false,
      errors: ['TRUST_PROXY: "proxy.local" is not an IP address'],
    });
  });
});
