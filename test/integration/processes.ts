/** Real server processes (bun server/src/main.ts) for the multi-process and crash tests. */
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Proc = { url: string; proc: ReturnType<typeof Bun.spawn>; log: () => string };

function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response('') });
  const port = s.port;
  s.stop(true);
  if (port === undefined) throw new Error('no port');
  return port;
}

/**
 * Starts `bun server/src/main.ts` on a free port. SERVER_BUN_ARGS adds flags to that bun, e.g.
 * `--cpu-prof-md --cpu-prof-dir=/tmp/prof` to profile the server a bench drives.
 */
export async function spawnServer(env: Record<string, string>): Promise<Proc> {
  const port = freePort();
  const extra = process.env.SERVER_BUN_ARGS?.split(' ').filter(Boolean) ?? [];
  const proc = Bun.spawn(['bun', ...extra, 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      SEED: 'off',
      EDITOR_DIST: '/nonexistent',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let out = '';
  const drain = async (s: ReadableStream<Uint8Array> | number | undefined) => {
    if (!s || typeof s === 'number') return;
    const dec = new TextDecoder();
    const reader = s.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out += dec.decode(value);
    }
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`server did not start:\n${out}`);
    await Bun.sleep(100);
  }
  return { url, proc, log: () => out };
}

export async function stopServer(p: Proc | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null) return;
  p.proc.kill('SIGTERM');
  await Promise.race([p.proc.exited, Bun.sleep(5000)]);
  if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
}
