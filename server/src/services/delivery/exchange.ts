/**
 * One HTTP exchange, outside any transaction: the SSRF check on the URL as it resolves now,
 * then fetch with a timeout and no redirects followed, reading at most an excerpt of the
 * response. A network error or timeout is a `retry`; a refused address is `permanent`.
 */
import { checkOutboundUrl } from './ssrf.ts';
import {
  BODY_EXCERPT_BYTES,
  type BuiltRequest,
  type Outcome,
  type Transport,
} from './transport.ts';

export type Exchange = { outcome: Outcome; durationMs: number; error: string | null };

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_EXCERPT_BYTES) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  // cut on bytes, then drop a partial character at the end
  return new TextDecoder().decode(all.slice(0, BODY_EXCERPT_BYTES)).replace(/\uFFFD$/, '');
}

export async function exchange(
  // biome-ignore lint/suspicious/noExplicitAny: any transport's config
  transport: Transport<any>,
  req: BuiltRequest,
  opts: { timeoutMs: number; allowHosts: readonly string[]; now: () => number },
): Promise<Exchange> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const refused = await checkOutboundUrl(req.url, opts.allowHosts);
  if (refused) {
    return {
      outcome: { kind: 'permanent', status: null, excerpt: '', reason: refused.detail },
      durationMs: took(),
      error: `refused: ${refused.detail}`,
    };
  }
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const body = await readExcerpt(res);
    const outcome = transport.classify(
      { status: res.status, headers: res.headers, body },
      opts.now(),
    );
    return { outcome, durationMs: took(), error: null };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const error = timedOut
      ? `timed out after ${opts.timeoutMs} ms`
      : e instanceof Error
        ? e.message.slice(0, 300)
        : String(e).slice(0, 300);
    return { outcome: { kind: 'retry', status: null, excerpt: '' }, durationMs: took(), error };
  }
}

/** What the log keeps of a request: the line, headers (signatures shortened), the body's start. */
export function requestExcerpt(req: BuiltRequest): string {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${k === 'webhook-signature' ? `${v.slice(0, 12)}…` : v}`)
    .join('\n');
  return `${req.method} ${req.url}\n${headers}\n\n${req.body.slice(0, BODY_EXCERPT_BYTES)}`;
}
