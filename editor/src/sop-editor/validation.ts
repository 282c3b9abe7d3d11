/**
 * Runs the engine's validate() on the draft after each change and puts the problems in the
 * store. checkSop takes ~100 ms on a 200-stage SOP, so it waits for a pause in the edits and
 * then for an idle moment of the main thread: opening an SOP draws and answers clicks first.
 */
import { checkSop } from '@closeloop/engine';
import { useEffect } from 'react';
import { type EditorStore, useEditor } from './store.ts';

const DELAY_MS = 250;
/** The longest an idle slot is waited for before validating anyway. */
const IDLE_TIMEOUT_MS = 1000;

type IdleWindow = Window & {
  requestIdleCallback?: (cb: () => void, opts?: { timeout: number }) => number;
  cancelIdleCallback?: (id: number) => void;
};

export function useLiveValidation(store: EditorStore) {
  const revision = useEditor((s) => s.revision);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  useEffect(() => {
    const w = window as IdleWindow;
    let idle: number | undefined;
    const run = () => {
      idle = undefined;
      const result = checkSop(store.toDocument());
      store.actions.setProblems(result.problems);
    };
    const timer = window.setTimeout(() => {
      if (w.requestIdleCallback) idle = w.requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
      else run();
    }, DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      if (idle !== undefined) w.cancelIdleCallback?.(idle);
    };
  }, [store, revision]);
}
