/**
 * Runs the engine's validate() on the draft after each change and puts the problems in the
 * store. checkSop takes ~100 ms on a 200-stage SOP (zod parse plus validate), so it runs in
 * a Web Worker (validation.worker.ts) a moment after the edits pause: opening, panning and
 * editing never wait for it. The worker starts with the first check, once the opened editor
 * is idle. Where no worker starts, checks run on the main thread in idle moments instead.
 */
import { checkSop, type Problem } from '@closeloop/engine';
import { useEffect, useRef } from 'react';
import { type EditorStore, useEditor } from './store.ts';

const DELAY_MS = 250;
/** The longest an idle slot is waited for before validating anyway. */
const IDLE_TIMEOUT_MS = 1000;

type IdleWindow = Window & {
  requestIdleCallback?: (cb: () => void, opts?: { timeout: number }) => number;
  cancelIdleCallback?: (id: number) => void;
};

type Reply = { seq: number; problems: Problem[] };

function isReply(x: unknown): x is Reply {
  return (
    typeof x === 'object' &&
    x !== null &&
    'seq' in x &&
    typeof x.seq === 'number' &&
    'problems' in x &&
    Array.isArray(x.problems)
  );
}

/** Starts the validation worker; null where workers are not available. */
function startWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./validation.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

export function useLiveValidation(store: EditorStore) {
  const revision = useEditor((s) => s.revision);
  /** The worker once started; null before the first check, or when it cannot start. */
  const worker = useRef<Worker | null>(null);
  const workerFailed = useRef(false);
  /** Number of the newest request: an answer to an older one describes an old draft. */
  const latest = useRef(0);

  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  useEffect(() => {
    const idleWindow = window as IdleWindow;
    let idle: number | undefined;
    const inline = () => store.actions.setProblems(checkSop(store.toDocument()).problems);
    const workerFor = (): Worker | null => {
      if (worker.current || workerFailed.current) return worker.current;
      const w = startWorker();
      if (!w) {
        workerFailed.current = true;
        return null;
      }
      w.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (isReply(e.data) && e.data.seq === latest.current)
          store.actions.setProblems(e.data.problems);
      });
      w.addEventListener('error', () => {
        // the worker script did not load: validate on this thread from now on
        workerFailed.current = true;
        worker.current = null;
        w.terminate();
        inline();
      });
      worker.current = w;
      return w;
    };
    const run = () => {
      idle = undefined;
      latest.current += 1;
      const w = workerFor();
      if (w) w.postMessage({ seq: latest.current, doc: store.toDocument() });
      else inline();
    };
    const timer = window.setTimeout(() => {
      // the first check (and the worker's start) waits for the opening to settle; the
      // main-thread fallback always waits for an idle moment
      const settle = !worker.current || workerFailed.current;
      if (settle && idleWindow.requestIdleCallback)
        idle = idleWindow.requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
      else run();
    }, DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      if (idle !== undefined) idleWindow.cancelIdleCallback?.(idle);
    };
  }, [store, revision]);
}
