/** Saves the draft a moment after each change, one request at a time. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { http, ok } from '../../shared/api/client.ts';
import { type EditorStore, useEditor } from './store.ts';

export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'error';

const DELAY_MS = 800;

export function useAutosave(store: EditorStore) {
  const revision = useEditor((s) => s.revision);
  const [status, setStatus] = useState<SaveStatus>('saved');
  const savedRevision = useRef(store.getState().revision);
  const inFlight = useRef<Promise<void> | null>(null);

  const saveOnce = useCallback(async () => {
    const rev = store.getState().revision;
    if (rev === savedRevision.current) return;
    setStatus('saving');
    const { sopId } = store.getState();
    try {
      await ok(
        http.PUT('/sops/{sopId}/draft', {
          params: { path: { sopId } },
          body: { doc: store.toDocument() as unknown as Record<string, unknown> },
        }),
      );
      savedRevision.current = rev;
      setStatus(store.getState().revision === rev ? 'saved' : 'dirty');
    } catch (e) {
      setStatus('error');
      throw e;
    }
  }, [store]);

  /** Saves now (after any save in flight); resolves when the draft on the server is current. */
  const flush = useCallback(async () => {
    while (inFlight.current) await inFlight.current.catch(() => {});
    if (store.getState().revision === savedRevision.current) return;
    const p = saveOnce();
    inFlight.current = p;
    try {
      await p;
    } finally {
      inFlight.current = null;
    }
  }, [saveOnce, store]);

  useEffect(() => {
    if (revision === savedRevision.current) return;
    setStatus('dirty');
    const timer = window.setTimeout(() => void flush().catch(() => {}), DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [revision, flush]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (store.getState().revision !== savedRevision.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [store]);

  return { status, flush };
}
