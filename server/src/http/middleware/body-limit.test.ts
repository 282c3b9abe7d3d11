import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.ts';
import { bodyLimits } from './body-limit.ts';

const app = new Hono<AppEnv>()
  .use('*', bodyLimits({ bytes: 16, largeBytes: 64, largePrefix: '/api/sops' }))
  .post('*', async (c) => c.text(String((await c.req.text()).length)));

/** A body sent as a stream, so no Content-Length announces its size. */
function streamed(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

async function post(path: string, body: string | ReadableStream<Uint8Array>) {
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', body, duplex: 'half' };
  return app.request(`http://localhost${path}`, init);
}

describe('body limits', () => {
  it('lets a body within the limit through', async () => {
    const res = await post('/api/records', 'x'.repeat(16));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('16');
  });

  it('refuses a declared Content-Length over the limit with 413 payload-too-large', async () => {
    const res = await post('/api/records', 'x'.repeat(17));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'payload-too-large', status: 413 });
  });

  it('cuts off a streamed body that passes the limit', async () => {
    const res = await post('/api/records', streamed('x'.repeat(40)));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('payload-too-large');
  });

  it('gives paths under the large prefix the large limit, and only that', async () => {
    expect((await post('/api/sops/a', 'x'.repeat(64))).status).toBe(200);
    expect((await post('/api/sops/a', 'x'.repeat(65))).status).toBe(413);
    expect((await post('/api/sops/a', streamed('x'.repeat(65)))).status).toBe(413);
  });
});
