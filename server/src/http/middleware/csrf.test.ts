import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.ts';
import { CSRF_HEADER, csrf } from './csrf.ts';

const app = new Hono<AppEnv>()
  .use('*', csrf({ sessionCookie: 'sid' }))
  .all('*', (c) => c.text('ran'));

async function send(method: string, headers: Record<string, string>) {
  const res = await app.request('http://app.test/api/x', {
    method,
    headers: { host: 'app.test', ...headers },
    body: method === 'GET' ? undefined : 'a=1',
  });
  const body = res.status === 200 ? await res.text() : ((await res.json()) as { detail: string });
  return { status: res.status, body };
}

describe('csrf', () => {
  it('leaves reads alone, whatever their origin', async () => {
    const r = await send('GET', { 'sec-fetch-site': 'cross-site', cookie: 'sid=s' });
    expect(r).toEqual({ status: 200, body: 'ran' });
  });

  it.each([
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }, 'cross-site request'],
    ['a foreign Origin', { origin: 'https://evil.test' }, 'foreign origin'],
    ['a malformed Origin', { origin: 'not a url' }, 'bad Origin header'],
    [
      'a cookie write without our header (a form post)',
      { cookie: 'sid=s', 'content-type': 'application/x-www-form-urlencoded' },
      `cookie-authenticated writes need the ${CSRF_HEADER} header`,
    ],
  ])('refuses %s with 403 csrf-rejected', async (_what, headers, detail) => {
    const r = await send('POST', headers);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ detail });
  });

  it.each([
    ['our header', { cookie: 'sid=s', [CSRF_HEADER]: '1' }],
    ['a JSON body', { cookie: 'sid=s', 'content-type': 'application/json; charset=utf-8' }],
    ['no cookie at all', { 'content-type': 'text/plain' }],
    ['its own Origin', { origin: 'http://app.test', cookie: 'sid=s', [CSRF_HEADER]: '1' }],
    ['an opaque Origin', { origin: 'null', cookie: 'sid=s', [CSRF_HEADER]: '1' }],
    [
      'an API token (the token decides)',
      { authorization: 'Bearer x', 'sec-fetch-site': 'cross-site' },
    ],
  ])('lets a write with %s through', async (_what, headers) => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(await send(method, headers)).toEqual({ status: 200, body: 'ran' });
    }
  });
});
