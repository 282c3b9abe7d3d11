/**
 * What the chat-platform receivers share: a Bun server on 127.0.0.1 that keeps what it
 * accepted, a clock the test may set (for the signature time windows), the caller's
 * address switch (the robot's IP whitelist) and a sliding-window send counter.
 */

export type Accepted = { at: number; url: URL; body: Record<string, unknown> };

export type ReceiverBase = {
  /** The robot's webhook URL. */
  url: string;
  accepted: Accepted[];
  /** Every request, accepted or refused, with the answer's code. */
  requests: Array<{ at: number; code: number }>;
  /** Set false to answer as to a caller outside the robot's IP whitelist. */
  ipAllowed: boolean;
  close(): void;
};

export type Handler = (req: {
  url: URL;
  raw: string;
  body: Record<string, unknown> | null;
  now: number;
}) => { status?: number; json: Record<string, unknown>; accepted: boolean; code: number };

/**
 * Starts a receiver; `path` is the robot's path and query (…/send?key=K). The handler reads
 * the receiver it returns (its `ipAllowed` switch) when a request comes.
 */
export function serve(path: string, handle: Handler, now: () => number): ReceiverBase {
  const accepted: Accepted[] = [];
  const requests: ReceiverBase['requests'] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const raw = await req.text();
      let body: Record<string, unknown> | null = null;
      try {
        const v = JSON.parse(raw) as unknown;
        if (v && typeof v === 'object') body = v as Record<string, unknown>;
      } catch {
        body = null;
      }
      const t = now();
      const out = handle({ url, raw, body, now: t });
      requests.push({ at: t, code: out.code });
      if (out.accepted && body) accepted.push({ at: t, url, body });
      return Response.json(out.json, { status: out.status ?? 200 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}${path}`,
    accepted,
    requests,
    ipAllowed: true,
    close: () => server.stop(true),
  };
}

/** 钉钉's and 企业微信's answers: `{ errcode, errmsg }`, 0 and "ok" when the message is taken. */
export const errcode = (code: number, errmsg: string) => ({
  json: { errcode: code, errmsg },
  accepted: false,
  code,
});
export const errcodeOk = { json: { errcode: 0, errmsg: 'ok' }, accepted: true, code: 0 };

/** Counts sends in a sliding window: `count(now)` after recording is the window's total. */
export class SlidingWindow {
  private times: number[] = [];
  constructor(private windowMs: number) {}
  /** Sends within the window ending at `now`, this one included. */
  record(now: number): number {
    this.times = this.times.filter((t) => t > now - this.windowMs);
    this.times.push(now);
    return this.times.length;
  }
}

export const utf8Length = (s: string) => new TextEncoder().encode(s).length;
