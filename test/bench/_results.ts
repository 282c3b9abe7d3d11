/**
 * What every benchmark writes beside its printed table: bench-results/<name>.json with the
 * machine it ran on (cores, load), the commit, and its medians and named ratios, so runs can
 * be compared and plotted across commits.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

/** The median (the mean of the middle two for an even count; 0 for none). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export function machineLine(): string {
  const [one, five] = loadavg();
  return `nproc ${availableParallelism()}, load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min)`;
}

function commit(): string | null {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function writeResults(name: string, results: Record<string, unknown>): string {
  const dir = join(import.meta.dir, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const body = {
    name,
    at: new Date().toISOString(),
    commit: commit(),
    nproc: availableParallelism(),
    loadavg: loadavg(),
    ...results,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
