/**
 * Liveness and readiness for load balancers. Live: the process answers. Ready: the database
 * answers, every migration this release ships is applied, and the process is not draining
 * (a SIGTERM turns draining on, so the balancer stops sending before the process stops).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/client.ts';
import { migrationsFolder } from '../../db/migrate.ts';

export type Lifecycle = {
  /** True from the first SIGTERM: health answers 503, live streams close. */
  readonly draining: boolean;
  /** Aborted when draining starts; long-lived responses (SSE) end on it. */
  readonly closing: AbortSignal;
  drain(): void;
};

export function createLifecycle(): Lifecycle {
  const ctl = new AbortController();
  return {
    get draining() {
      return ctl.signal.aborted;
    },
    closing: ctl.signal,
    drain: () => ctl.abort(),
  };
}

type Journal = { entries: Array<{ when: number }> };

/** The migrations this release ships: how many, and the stamp of the newest. */
function shippedMigrations(): { count: number; newest: number } {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  const whens = journal.entries.map((e) => e.when);
  return { count: whens.length, newest: Math.max(0, ...whens) };
}

export type Health = {
  ok: boolean;
  db: string;
  live: true;
  ready: boolean;
  databaseReachable: boolean;
  migrations: { applied: number; expected: number; ready: boolean };
  draining: boolean;
};

/** Checks readiness; once the migrations are seen applied the check stops querying them. */
export function createHealthCheck(db: Db, lifecycle: Lifecycle) {
  const shipped = shippedMigrations();
  let migrated: { applied: number } | null = null;
  return async function health(): Promise<Health> {
    let reachable = false;
    let applied = migrated?.applied ?? 0;
    try {
      if (migrated) {
        await db.query('select 1');
      } else {
        // drizzle's migrator records each applied migration with its journal stamp
        const rows = await db.query(
          `select count(*)::int as n, coalesce(max(created_at), 0)::float8 as newest
             from drizzle.__drizzle_migrations`,
        );
        applied = Number(rows[0]?.n ?? 0);
        if (Number(rows[0]?.newest ?? 0) >= shipped.newest) migrated = { applied };
      }
      reachable = true;
    } catch {
      // unreachable, or not migrated at all (no drizzle schema yet)
      try {
        await db.query('select 1');
        reachable = true;
      } catch {
        reachable = false;
      }
    }
    const migrationsReady = migrated !== null;
    const ready = reachable && migrationsReady && !lifecycle.draining;
    return {
      ok: ready,
      db: db.kind,
      live: true,
      ready,
      databaseReachable: reachable,
      migrations: { applied, expected: shipped.count, ready: migrationsReady },
      draining: lifecycle.draining,
    };
  };
}
