/** Shared pieces of the server benchmarks (scripts that print figures; not tests). */

import { readFileSync } from 'node:fs';
import type { SopDocument } from '@closeloop/engine';
import type { Db } from '@closeloop/server';
import type postgres from 'postgres';

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** Signs in over HTTP; returns the session cookie (`name=value`). */
export async function login(base: string, email: string, password = 'bench-pass') {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** Postgres backends of the server (application_name closeloop) or another app; none on PGlite. */
export async function backendPids(db: Db | null, app = 'closeloop'): Promise<number[]> {
  if (db?.kind !== 'postgres') return [];
  const rows = await db.query(
    `select pid from pg_stat_activity
      where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()`,
    [app],
  );
  return rows.map((r) => Number(r.pid));
}

/** Backends of one application on one database, read through a client of the bench's. */
export async function appBackendPids(
  sql: postgres.Sql,
  app: string,
  db: string,
): Promise<number[]> {
  const rows =
    await sql`select pid from pg_stat_activity where application_name = ${app} and datname = ${db}`;
  return rows.map((r) => Number(r.pid));
}

export const t = (s: string) => ({ 'zh-CN': s, en: s });

/**
 * One stage with a one-hour SLA and a LOG action that re-enters it: each performAction
 * updates the record, appends its events, cancels one timer and schedules one.
 */
export function benchSop(id: string): SopDocument {
  return {
    id,
    version: 0,
    name: t('Bench'),
    fields: [
      { key: 'note', type: 'text', label: t('Note') },
      { key: 'due', type: 'datetime', label: t('Due') },
    ],
    machine: {
      id,
      initial: 'working',
      states: {
        working: {
          meta: {
            stage: {
              title: t('Working'),
              owner: { rules: [], default: { team: 'sales', strategy: 'round-robin' } },
              sla: { duration: 'PT1H', clock: 'wall', escalations: [] },
            },
          },
          on: {
            LOG: { target: 'working', reenter: true, meta: { fields: ['note'] } },
            DONE: { target: 'done' },
          },
        },
        done: { type: 'final', meta: { stage: { title: t('Done'), outcome: 'done' } } },
      },
    },
  };
}

export type Stats = {
  ops: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Operations including the warm-up (to divide CPU time measured around `drive`). */
  total?: number;
};

export function stats(latencies: number[], seconds: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    ops: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Runs `clients` loops of `op` for `ms` after a short warm-up; returns throughput and latency. */
export async function drive(
  clients: number,
  ms: number,
  op: (client: number) => Promise<void>,
): Promise<Stats> {
  const warmUntil = performance.now() + Math.min(1000, ms / 4);
  const latencies: number[] = [];
  let measuring = false;
  let end = Number.POSITIVE_INFINITY;
  let startAt = 0;
  let total = 0;
  const loop = async (c: number) => {
    for (;;) {
      const now = performance.now();
      if (!measuring && now >= warmUntil) {
        measuring = true;
        startAt = now;
        end = now + ms;
      }
      if (now >= end) return;
      const t0 = performance.now();
      await op(c);
      total++;
      if (measuring && t0 >= startAt) latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  return { ...stats(latencies, ms / 1000), total };
}

/**
 * CPU seconds (user + system) used so far by these processes and their child processes'
 * threads (Linux /proc; a process that is gone counts 0). Read it before and after `drive`
 * and divide by `Stats.total` for the CPU each operation cost.
 */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone, or not Linux
    }
  }
  return ticks / 100;
}

/** A process and its children (WORKERS), from /proc (Linux; just `pid` elsewhere). */
export function withChildren(pid: number): number[] {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return [pid, ...(kids ? kids.split(' ').map(Number) : [])];
  } catch {
    return [pid];
  }
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

export function table(rows: Array<Record<string, string | number>>): void {
  const first = rows[0];
  if (!first) return;
  const keys = Object.keys(first);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(width[i] ?? 0)).join('  ');
  console.log(line(keys));
  for (const r of rows) console.log(line(keys.map((k) => String(r[k]))));
}
