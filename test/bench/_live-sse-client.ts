/**
 * Client process of the live-sse bench (test/bench/live-sse.ts starts one or two of these
 * with Bun's IPC): holds many /api/stream connections on raw TCP sockets (no fetch pool to
 * queue them, a few kB each), decodes the chunked SSE bodies and notes when each event
 * arrives, as performance.timeOrigin + performance.now() (ms since the epoch, sub-ms; the
 * bench's driver stamps its requests the same way, on the same machine).
 *
 * Parent → child: { type: 'open', host, port, streams: [{ s, cookie }] }, then { type: 'report' }.
 * Child → parent: { type: 'opened', ok, failed }, then { type: 'report', deliveries, closed }
 * where a delivery is [stream, event code, recordId, version, t] (codes: EVENT_CODES).
 */
import type { Socket } from 'bun';

export const EVENT_CODES: Record<string, number> = {
  'record.changed': 1,
  'next-action': 2,
  notification: 3,
};

type StreamSpec = { s: number; cookie: string };
type OpenMsg = { type: 'open'; host: string; port: number; streams: StreamSpec[] };
export type Delivery = [number, number, string, number, number];

type Conn = {
  s: number;
  /** Response head not yet complete (bytes so far). */
  head: Buffer | null;
  chunked: boolean;
  /** Undecoded chunked bytes. */
  raw: Buffer;
  text: string;
  ready: (ok: boolean) => void;
  isReady: boolean;
};

const deliveries: Delivery[] = [];
let closed = 0;
const decoder = new TextDecoder();
const CRLF2 = Buffer.from('\r\n\r\n');

const now = () => performance.timeOrigin + performance.now();

function onEvents(c: Conn, body: string, t: number) {
  c.text += body;
  let i = c.text.indexOf('\n\n');
  while (i >= 0) {
    const chunk = c.text.slice(0, i);
    c.text = c.text.slice(i + 2);
    i = c.text.indexOf('\n\n');
    let event = '';
    let data = '';
    for (const line of chunk.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (event === 'ready') {
      c.isReady = true;
      c.ready(true);
      continue;
    }
    const code = EVENT_CODES[event];
    if (!code || !data) continue;
    const d = JSON.parse(data) as { recordId: string; version?: number };
    deliveries.push([c.s, code, d.recordId, d.version ?? 0, t]);
  }
}

/** Strips the chunked framing from c.raw; returns the body bytes complete so far. */
function dechunk(c: Conn): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const eol = c.raw.indexOf('\r\n');
    if (eol < 0) return out;
    const size = Number.parseInt(c.raw.subarray(0, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk');
    if (c.raw.length < eol + 2 + size + 2) return out;
    out.push(c.raw.subarray(eol + 2, eol + 2 + size));
    c.raw = c.raw.subarray(eol + 2 + size + 2);
  }
}

function onData(c: Conn, buf: Buffer) {
  const t = now();
  let body = buf;
  if (c.head) {
    const all = Buffer.concat([c.head, buf]);
    const end = all.indexOf(CRLF2);
    if (end < 0) {
      c.head = all;
      return;
    }
    const head = all.subarray(0, end).toString('latin1');
    if (!/^HTTP\/1\.1 200/.test(head)) {
      c.ready(false);
      return;
    }
    c.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
    c.head = null;
    body = all.subarray(end + 4);
  }
  if (c.chunked) {
    c.raw = c.raw.length ? Buffer.concat([c.raw, body]) : Buffer.from(body);
    for (const part of dechunk(c)) onEvents(c, decoder.decode(part), t);
  } else {
    onEvents(c, decoder.decode(body), t);
  }
}

async function openOne(host: string, port: number, spec: StreamSpec): Promise<boolean> {
  let ready: (ok: boolean) => void = () => {};
  const done = new Promise<boolean>((r) => {
    ready = r;
  });
  const conn: Conn = {
    s: spec.s,
    head: Buffer.alloc(0),
    chunked: false,
    raw: Buffer.alloc(0),
    text: '',
    ready,
    isReady: false,
  };
  await Bun.connect<Conn>({
    hostname: host,
    port,
    data: conn,
    socket: {
      open(sock: Socket<Conn>) {
        sock.write(
          `GET /api/stream HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\nCookie: ${spec.cookie}\r\n\r\n`,
        );
      },
      data(sock: Socket<Conn>, buf: Buffer) {
        onData(sock.data, buf);
      },
      close(sock: Socket<Conn>) {
        if (sock.data.isReady) closed++;
        sock.data.ready(false);
      },
      error(sock: Socket<Conn>) {
        sock.data.ready(false);
      },
    },
  });
  return done;
}

process.on('message', async (msg: OpenMsg | { type: 'report' }) => {
  if (msg.type === 'open') {
    let ok = 0;
    let failed = 0;
    // a few at a time: the server opens each with a session lookup
    const queue = [...msg.streams];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let spec = queue.shift(); spec; spec = queue.shift()) {
          if (await openOne(msg.host, msg.port, spec).catch(() => false)) ok++;
          else failed++;
        }
      }),
    );
    process.send?.({ type: 'opened', ok, failed });
  } else if (msg.type === 'report') {
    process.send?.({ type: 'report', deliveries, closed });
  }
});
