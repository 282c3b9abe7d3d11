/**
 * The socket postgres.js talks to Postgres through: a plain TCP (or Unix) socket whose writes
 * within one turn of the event loop reach the kernel as one.
 *
 * postgres.js sends a message of 1 KB or more at once and keeps smaller ones for the next
 * turn. Our statements carry record states, events and row-shaped arrays, so nearly every one
 * is over 1 KB: a pipelined transaction went out as one write per statement, and on the
 * loopback each write also runs the receiving side's network stack and wakes the Postgres
 * backend, which then reads a part of the pipeline and sleeps again. Profiles of the server
 * under load showed those writes as its largest cost. Here every write of a turn is kept and
 * handed over in one at the end of the turn (setImmediate, as postgres.js does for its small
 * messages), so a transaction costs one write however many statements it has.
 *
 * postgres.js calls this for every connection it opens (`socket` option) and expects it
 * connected. Several hosts in the URL are tried in turn, as postgres.js does itself.
 */
import net from 'node:net';

/** What postgres.js passes to a socket factory (its parsed options). */
export type SocketOptions = {
  host: string[];
  port: number[];
  path?: string | false;
  connect_timeout?: number;
};

/**
 * `options` for postgres() with the coalescing socket. postgres.js reads a `socket` factory
 * (src/index.js, parseOptions) that its type definitions do not declare.
 */
export function withCoalescingSocket<T extends object>(options: T): T {
  return { ...options, socket: coalescingSockets() };
}

export function coalescingSockets(): (options: SocketOptions) => Promise<net.Socket> {
  let next = 0;
  return async (options) => {
    const i = next++ % Math.max(1, options.host.length);
    const socket = await connect(options, i);
    coalesceWrites(socket);
    return socket;
  };
}

function connect(options: SocketOptions, i: number): Promise<net.Socket> {
  const socket = new net.Socket();
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new Error(`connect to Postgres timed out after ${options.connect_timeout} s`)),
      (options.connect_timeout ?? 30) * 1000,
    );
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
    if (options.path) socket.connect(options.path);
    else socket.connect(options.port[i] ?? 5432, options.host[i] ?? 'localhost');
  });
}

type WriteCallback = (err?: Error | null) => void;

/** Keeps the turn's writes and hands them to the socket as one at the end of the turn. */
export function coalesceWrites(socket: net.Socket): void {
  const write = socket.write.bind(socket) as (data: Uint8Array, cb?: WriteCallback) => boolean;
  let pending: Uint8Array[] = [];
  let callbacks: WriteCallback[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const data = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
    const done = callbacks;
    pending = [];
    callbacks = [];
    if (socket.destroyed) {
      for (const cb of done) cb(new Error('the connection to Postgres is closed'));
      return;
    }
    write(
      data,
      done.length
        ? (err) => {
            for (const cb of done) cb(err);
          }
        : undefined,
    );
  };
  socket.write = ((data: Uint8Array | string, a?: unknown, b?: unknown) => {
    const cb = (typeof a === 'function' ? a : b) as WriteCallback | undefined;
    pending.push(typeof data === 'string' ? Buffer.from(data) : data);
    if (cb) callbacks.push(cb);
    if (pending.length === 1) setImmediate(flush);
    return true;
  }) as net.Socket['write'];
  // what was written before end() goes first (postgres.js ends with a Terminate message)
  const end = socket.end.bind(socket);
  socket.end = ((...args: Parameters<net.Socket['end']>) => {
    flush();
    return end(...args);
  }) as net.Socket['end'];
}
