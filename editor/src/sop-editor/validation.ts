/** Runs the engine's validate() on the draft after each change and puts the problems in the store. */
import { checkSop } from '@closeloop/engine';
import { useEffect } from 'react';
import { type EditorStore, useEditor } from './store.ts';

const DELAY_MS = 250;

export function useLiveValidation(store: EditorStore) {
  const revision = useEditor((s) => s.revision);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const result = checkSop(store.toDocument());
      store.actions.setProblems(result.problems);
    }, DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [store, revision]);
}
