/**
 * Live updates across processes: every committed command sends one NOTIFY (inside its
 * transaction, so only committed changes are heard); each process LISTENs once and fans
 * the messages out to its own SSE connections.
 */
import type { Db } from './db/client.ts';

export const LIVE_CHANNEL = 'closeloop_live';
/** Progress of an import job, sent after each batch (services/intake/imports/runner.ts). */
export const IMPORT_CHANNEL = 'closeloop_import';

export type ImportProgress = {
  ws: string;
  id: string;
  /** Who started the import. */
  by: string;
  status: string;
  total: number;
  processed: number;
  created: number;
  attached: number;
  duplicates: number;
  failed: number;
};

/** One committed change: record id, version, owner and team before and after, notifications. */
export type LivePayload = {
  ws: string;
  r: string;
  v: number;
  o: string | null;
  t: string | null;
  po: string | null;
  pt: string | null;
  /** [userId, notificationId] pairs created by the command. */
  n: Array<[string, string]>;
};

/** Live-update streams one session (or API token) may hold open on one process. */
export const STREAMS_PER_SESSION = 4;

export type LiveHub = {
  start(): Promise<void>;
  subscribe(fn: (p: LivePayload) => void): () => void;
  subscribeImports(fn: (p: ImportProgress) => void): () => void;
  /**
   * Registers an open stream of `session`; past STREAMS_PER_SESSION the oldest is closed
   * (a reloaded tab's old stream may linger unnoticed, so refusing the new one would lock
   * the user out). Returns the release to call when the stream ends.
   */
  openStream(session: string, close: () => void): () => void;
  stop(): Promise<void>;
};

function isPayload(v: unknown): v is LivePayload {
  if (!v || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return typeof p.ws === 'string' && typeof p.r === 'string' && Array.isArray(p.n);
}

function isImportProgress(v: unknown): v is ImportProgress {
  if (!v || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return typeof p.ws === 'string' && typeof p.id === 'string' && typeof p.processed === 'number';
}

export function createLiveHub(db: Db): LiveHub {
  const subscribers = new Set<(p: LivePayload) => void>();
  const importSubscribers = new Set<(p: ImportProgress) => void>();
  const streams = new Map<string, Array<() => void>>();
  let unlisten: (() => Promise<void>) | null = null;
  let unlistenImports: (() => Promise<void>) | null = null;
  return {
    async start() {
      if (unlisten) return;
      unlisten = await db.listen(LIVE_CHANNEL, (raw) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return;
        }
        if (!isPayload(parsed)) return;
        for (const fn of subscribers) {
          try {
            fn(parsed);
          } catch (e) {
            console.error('live subscriber failed', e);
          }
        }
      });
      unlistenImports = await db.listen(IMPORT_CHANNEL, (raw) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          return;
        }
        if (!isImportProgress(parsed)) return;
        for (const fn of importSubscribers) fn(parsed);
      });
    },
    subscribeImports(fn) {
      importSubscribers.add(fn);
      return () => {
        importSubscribers.delete(fn);
      };
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
      };
    },
    openStream(session, close) {
      const open = streams.get(session) ?? [];
      open.push(close);
      streams.set(session, open);
      while (open.length > STREAMS_PER_SESSION) open.shift()?.();
      return () => {
        const i = open.indexOf(close);
        if (i >= 0) open.splice(i, 1);
        if (!open.length && streams.get(session) === open) streams.delete(session);
      };
    },
    async stop() {
      const off = unlisten;
      const offImports = unlistenImports;
      unlisten = null;
      unlistenImports = null;
      subscribers.clear();
      importSubscribers.clear();
      if (off) await off().catch(() => {});
      if (offImports) await offImports().catch(() => {});
    },
  };
}
