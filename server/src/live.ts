/**
 * Live updates across processes: every committed command sends one NOTIFY (inside its
 * transaction, so only committed changes are heard); each process LISTENs once and fans
 * the messages out to its own SSE connections. A stream subscribes with its interest
 * (workspace, user, teams), and each message goes only to the streams it may concern: with
 * 2,000 streams open, a change owned by one rep is looked at by that rep's streams and
 * their team's, not by all 2,000 (bench: test/bench/live-sse.ts).
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

/**
 * Which payloads a subscriber is handed: those of workspace `ws` that name one of `users`
 * (owner before or after, a notification's recipient) or one of `teams` (team before or
 * after), or all of the workspace's when `all`. A superset of what it will send: the
 * subscriber still decides.
 */
export type LiveInterest = { ws: string; all: boolean; users: string[]; teams: string[] };

type Subscriber = (p: LivePayload) => void;

/** The subscribers of one workspace, by what they listen for. */
type WorkspaceIndex = {
  all: Set<Subscriber>;
  users: Map<string, Set<Subscriber>>;
  teams: Map<string, Set<Subscriber>>;
};

function addTo(map: Map<string, Set<Subscriber>>, key: string, fn: Subscriber) {
  const set = map.get(key);
  if (set) set.add(fn);
  else map.set(key, new Set([fn]));
}

function removeFrom(map: Map<string, Set<Subscriber>>, key: string, fn: Subscriber) {
  const set = map.get(key);
  if (!set) return;
  set.delete(fn);
  if (!set.size) map.delete(key);
}

/** The subscribers a payload may concern: unindexed ones, then those its keys name. */
export function subscribersOf(
  p: LivePayload,
  everything: Set<Subscriber>,
  index: WorkspaceIndex | undefined,
): Set<Subscriber> {
  if (!index) return everything;
  const out = new Set(everything);
  for (const fn of index.all) out.add(fn);
  const add = (map: Map<string, Set<Subscriber>>, key: string | null | undefined) => {
    if (key == null) return;
    const set = map.get(key);
    if (set) for (const fn of set) out.add(fn);
  };
  add(index.users, p.o);
  add(index.users, p.po);
  for (const [userId] of p.n) add(index.users, userId);
  add(index.teams, p.t);
  add(index.teams, p.pt);
  return out;
}

export type LiveHub = {
  start(): Promise<void>;
  /**
   * Calls `fn` with every committed change, or, given `interest`, with those it names
   * (LiveInterest). Returns the unsubscribe.
   */
  subscribe(fn: Subscriber, interest?: LiveInterest): () => void;
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
  const subscribers = new Set<Subscriber>();
  const byWorkspace = new Map<string, WorkspaceIndex>();
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
        for (const fn of subscribersOf(parsed, subscribers, byWorkspace.get(parsed.ws))) {
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
    subscribe(fn, interest) {
      if (!interest) {
        subscribers.add(fn);
        return () => {
          subscribers.delete(fn);
        };
      }
      let index = byWorkspace.get(interest.ws);
      if (!index) {
        index = { all: new Set(), users: new Map(), teams: new Map() };
        byWorkspace.set(interest.ws, index);
      }
      const idx = index;
      if (interest.all) idx.all.add(fn);
      for (const u of interest.users) addTo(idx.users, u, fn);
      for (const t of interest.teams) addTo(idx.teams, t, fn);
      return () => {
        idx.all.delete(fn);
        for (const u of interest.users) removeFrom(idx.users, u, fn);
        for (const t of interest.teams) removeFrom(idx.teams, t, fn);
        if (!idx.all.size && !idx.users.size && !idx.teams.size) {
          if (byWorkspace.get(interest.ws) === idx) byWorkspace.delete(interest.ws);
        }
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
      byWorkspace.clear();
      importSubscribers.clear();
      if (off) await off().catch(() => {});
      if (offImports) await offImports().catch(() => {});
    },
  };
}
