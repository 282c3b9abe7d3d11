/**
 * The coalescing socket against a real TCP server on 127.0.0.1: a turn's writes reach the
 * socket as one write, in order; the next turn's are another; end() sends what is pending
 * first; and postgres.js behind it still talks to a real Postgres when DATABASE_URL is set.
 */
import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesceWrites, withCoalescingSocket } from './socket.ts';

let server: net.Server;
let port = 0;
const received: Array<Promise<string>> = [];

beforeAll(async () => {
  server = net.createServer((conn) => {
    received.push(
      new Promise((resolve) => {
        let text = '';
        conn.on('data', (d) => {
          text += d.toString();
        });
        conn.on('end', () => resolve(text));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => {
  server.close();
});

/** A connected socket whose underlying writes are counted, then made coalescing. */
async function counted(): Promise<{ socket: net.Socket; writes: string[] }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const writes: string[] = [];
  const write = socket.write.bind(socket) as (d: Uint8Array, cb?: () => void) => boolean;
  socket.write = ((d: Uint8Array, cb?: () => void) => {
    writes.push(Buffer.from(d).toString());
    return write(d, cb);
  }) as net.Socket['write'];
  coalesceWrites(socket);
  return { socket, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesced writes', () => {
  it("hands a turn's writes to the socket as one, in order, and calls every callback", async () => {
    const { socket, writes } = await counted();
    const done: number[] = [];
    socket.write(Buffer.from('BEGIN;'));
    socket.write(Buffer.from('UPDATE;'), () => done.push(1));
    socket.write('INSERT;', () => done.push(2));
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['BEGIN;UPDATE;INSERT;']);
    socket.write(Buffer.from('COMMIT;'));
    await nextTurn();
    expect(writes).toEqual(['BEGIN;UPDATE;INSERT;', 'COMMIT;']);
    socket.end();
    expect(await received.at(-1)).toBe('BEGIN;UPDATE;INSERT;COMMIT;');
    expect(done).toEqual([1, 2]);
  });

  it('sends what is pending before end()', async () => {
    const { socket, writes } = await counted();
    socket.write(Buffer.from('last words;'));
    socket.end(Buffer.from('X'));
    expect(writes).toEqual(['last words;']);
    expect(await received.at(-1)).toBe('last words;X');
  });
});

describe.runIf(process.env.DATABASE_URL)('postgres.js over the coalescing socket', () => {
  it('runs a pipelined transaction and a failing statement as before', async () => {
    const sql = postgres(
      process.env.DATABASE_URL ?? '',
      withCoalescingSocket({ max: 1, onnotice: () => {} }),
    );
    try {
      const big = 'x'.repeat(5000);
      const rows = await sql.begin((tx) => [
        tx`select ${big}::text as a`,
        tx`select length(${big}::text) as n`,
        tx`select 3 as c`,
      ]);
      expect(rows.map((r) => Object.values(r[0] ?? {})[0])).toEqual([big, 5000, 3]);
      await expect(sql`select 1/0`).rejects.toThrow(/division by zero/);
      expect((await sql`select 1 as one`)[0]?.one).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
