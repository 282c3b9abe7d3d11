/**
 * A Standard Webhooks receiver on 127.0.0.1, checking what a real consumer checks: the three
 * headers present, the timestamp within 5 minutes of now, and one of the space-separated
 * `v1,` signatures equal (constant-time) to HMAC-SHA256 of `id.timestamp.body` under one of
 * the secrets it knows. It records every request and can be told to answer 500, 429 with
 * Retry-After, 410, to hang, or to be down (its port closed) for a while.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Received = {
  id: string;
  timestamp: number;
  /** Each signature that verified, by the secret's index in `secrets`. */
  verifiedBy: number[];
  signatures: string[];
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  raw: string;
  at: number;
  answered: number;
};

export type Mode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string; times?: number }
  | { kind: 'hang' };

const TOLERANCE_S = 5 * 60;

/** Verifies one request as the Standard Webhooks libraries do; returns the matching secrets. */
export function verify(
  secrets: readonly string[],
  headers: Headers,
  raw: string,
  nowSec = Math.floor(Date.now() / 1000),
): { ok: true; verifiedBy: number[] } | { ok: false; why: string } {
  const id = headers.get('webhook-id');
  const ts = headers.get('webhook-timestamp');
  const sig = headers.get('webhook-signature');
  if (!id || !ts || !sig) return { ok: false, why: 'missing headers' };
  const t = Number(ts);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > TOLERANCE_S)
    return { ok: false, why: 'timestamp outside tolerance' };
  const given = sig
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const verifiedBy: number[] = [];
  secrets.forEach((secret, i) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const want = createHmac('sha256', key).update(`${id}.${ts}.${raw}`).digest();
    if (given.some((g) => g.length === want.length && timingSafeEqual(g, want))) verifiedBy.push(i);
  });
  return verifiedBy.length ? { ok: true, verifiedBy } : { ok: false, why: 'no signature matches' };
}

export type Receiver = {
  url: string;
  port: number;
  /** Secrets to verify against (set after the endpoint is created). */
  secrets: string[];
  received: Received[];
  /** Requests refused for a bad signature or timestamp (answered 400). */
  rejected: string[];
  mode: Mode;
  /** Closes the port until `up()`. */
  down(): void;
  up(): void;
  /** Resolves when `n` verified requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): void;
};

export function startReceiver(path = '/hook'): Receiver {
  let server: ReturnType<typeof Bun.serve> | null = null;
  const r: Receiver = {
    url: '',
    port: 0,
    secrets: [],
    received: [],
    rejected: [],
    mode: { kind: 'ok' },
    down() {
      server?.stop(true);
      server = null;
    },
    up() {
      server = listen(r.port);
    },
    async waitFor(n, timeoutMs = 90_000) {
      const until = Date.now() + timeoutMs;
      while (r.received.length < n) {
        if (Date.now() > until)
          throw new Error(`receiver got ${r.received.length} of ${n}; rejected ${r.rejected}`);
        await Bun.sleep(25);
      }
      return r.received;
    },
    close() {
      server?.stop(true);
      server = null;
    },
  };

  function listen(port: number) {
    return Bun.serve({
      hostname: '127.0.0.1',
      port,
      idleTimeout: 0,
      async fetch(req) {
        const raw = await req.text();
        const check = verify(r.secrets, req.headers, raw);
        if (!check.ok) {
          r.rejected.push(check.why);
          return new Response(check.why, { status: 400 });
        }
        const mode = r.mode;
        let answered = mode.kind === 'hang' ? 0 : 200;
        const headers: Record<string, string> = {};
        if (mode.kind === 'status') {
          answered = mode.status;
          if (mode.retryAfter) headers['retry-after'] = mode.retryAfter;
          if (mode.times !== undefined && --mode.times <= 0) r.mode = { kind: 'ok' };
        }
        r.received.push({
          id: req.headers.get('webhook-id') ?? '',
          timestamp: Number(req.headers.get('webhook-timestamp')),
          verifiedBy: check.verifiedBy,
          signatures: (req.headers.get('webhook-signature') ?? '').split(' '),
          body: JSON.parse(raw),
          raw,
          at: Date.now(),
          answered,
        });
        if (mode.kind === 'hang') {
          await Bun.sleep(600_000);
          return new Response('late');
        }
        return new Response(answered < 300 ? 'ok' : 'no', { status: answered, headers });
      },
    });
  }
  server = listen(0);
  r.port = server.port ?? 0;
  r.url = `http://127.0.0.1:${r.port}${path}`;
  return r;
}
