/**
 * Captures made without a network wait on the device (IndexedDB) with the Idempotency-Key
 * they were given when the rep tapped "create", and are sent when the network returns. The
 * key never changes, so a capture whose answer got lost is applied once by the server however
 * often it is sent; one flush runs at a time in this tab, so it is not even sent twice here.
 */

import type { LocalizedText } from '@closeloop/engine';
import { useSyncExternalStore } from 'react';
import { type CommandResult, NetworkFailure, sendCommand } from './api.ts';

export type QueuedCapture = {
  key: string;
  body: { sopId: string; fields: Record<string, unknown>; ownerId?: string };
  /** What the rep will recognise it by (the name typed). */
  label: string;
  sopName: LocalizedText;
  queuedAt: number;
  /** Why the server refused it, once it answered (kept for the rep to read and discard). */
  error?: string;
};

const DB = 'closeloop-offline';
const STORE = 'captures';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE))
        req.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(
  mode: IDBTransactionMode,
  run: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = run(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

let snapshot: QueuedCapture[] = [];
const listeners = new Set<() => void>();

async function refresh(): Promise<void> {
  try {
    const all = await tx('readonly', (s) => s.getAll() as IDBRequest<QueuedCapture[]>);
    snapshot = all.sort((a, b) => a.queuedAt - b.queuedAt);
  } catch {
    snapshot = [];
  }
  for (const l of listeners) l();
}

/** Keeps a capture on the device until the server has it. */
export async function queueCapture(c: QueuedCapture): Promise<void> {
  await tx('readwrite', (s) => s.put(c));
  await refresh();
}

/** Drops a capture (sent, or a refused one the rep dismissed). */
export async function dropCapture(key: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(key));
  await refresh();
}

let flushing: Promise<CommandResult[]> | null = null;

/**
 * Sends every waiting capture with its own key, oldest first; stops at the first network
 * failure (the rest wait for the next try). Resolves to the records the server created.
 */
export function flushCaptures(): Promise<CommandResult[]> {
  flushing ??= (async () => {
    const created: CommandResult[] = [];
    try {
      await refresh();
      for (const c of snapshot) {
        if (c.error) continue;
        try {
          created.push(await sendCommand('POST', '/api/records', c.body, c.key));
          await dropCapture(c.key);
        } catch (e) {
          if (e instanceof NetworkFailure) break;
          await queueCapture({ ...c, error: e instanceof Error ? e.message : String(e) });
        }
      }
    } finally {
      flushing = null;
    }
    return created;
  })();
  return flushing;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  if (listeners.size === 1) void refresh();
  return () => listeners.delete(l);
}

/** The captures waiting on this device, live. */
export function useQueuedCaptures(): QueuedCapture[] {
  return useSyncExternalStore(subscribe, () => snapshot);
}
