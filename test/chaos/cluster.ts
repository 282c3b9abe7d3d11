/**
 * The chaos suite's cluster on 127.0.0.1: server processes on fixed ports and Debian's haproxy
 * in front of them, configured by deploy/haproxy.cfg with only its ports rewritten.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function freePort(): number {
  const s = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('') });
  const port = s.port;
  s.stop(true);
  if (port === undefined) throw new Error('no free port');
  return port;
}

async function until(what: string, ms: number, test: () => Promise<boolean>) {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await Bun.sleep(100);
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** One server slot: a port and whichever process serves it now. */
export class ServerSlot {
  proc: ReturnType<typeof Bun.spawn> | null = null;
  incarnation = 0;
  stopped = false;
  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
    readonly logDir: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.incarnation++;
    mkdirSync(this.logDir, { recursive: true });
    const log = Bun.file(join(this.logDir, `server-${this.port}-${this.incarnation}.log`));
    this.proc = Bun.spawn(['bun', 'server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdout: log,
      stderr: log,
    });
    const proc = this.proc;
    await until(`server on ${this.port} ready`, 60_000, async () => {
      if (proc.exitCode !== null)
        throw new Error(`server on ${this.port} exited (${proc.exitCode})`);
      return healthy(this.url);
    });
  }

  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGKILL');
    await p.exited;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    if (this.stopped) p.kill('SIGCONT');
    p.kill('SIGTERM');
    await Promise.race([p.exited, Bun.sleep(15_000)]);
    if (p.exitCode === null) p.kill('SIGKILL');
  }
}

/** haproxy in the foreground with deploy/haproxy.cfg, listening on `port`, over `servers`. */
export async function startHaproxy(port: number, servers: number[], dir: string) {
  const haproxy =
    Bun.which('haproxy') ??
    ((await Bun.file('/usr/sbin/haproxy').exists()) ? '/usr/sbin/haproxy' : null);
  if (!haproxy)
    throw new Error('haproxy is not installed: apt-get install -y haproxy (.ci/run does)');
  let cfg = await Bun.file(join(ROOT, 'deploy/haproxy.cfg')).text();
  cfg = cfg.replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${port}`);
  servers.forEach((p, i) => {
    cfg = cfg.replace(`127.0.0.1:${3001 + i} check`, `127.0.0.1:${p} check`);
  });
  for (const p of servers)
    if (!cfg.includes(`127.0.0.1:${p} check`))
      throw new Error('haproxy.cfg has fewer than 3 servers');
  const path = join(dir, 'haproxy.cfg');
  await Bun.write(path, cfg);
  const log = Bun.file(join(dir, 'haproxy.log'));
  const proc = Bun.spawn([haproxy, '-f', path, '-db'], { stdout: log, stderr: log });
  const url = `http://127.0.0.1:${port}`;
  await until('haproxy ready', 30_000, async () => {
    if (proc.exitCode !== null)
      throw new Error(`haproxy exited (${proc.exitCode}); see ${dir}/haproxy.log`);
    return healthy(url);
  });
  return {
    url,
    async stop() {
      proc.kill('SIGTERM');
      await Promise.race([proc.exited, Bun.sleep(5000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}
