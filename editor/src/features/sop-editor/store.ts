/**
 * The editor's store: state (the graph being edited plus UI state the canvas needs) and
 * actions (the only way to change it), read through `useEditor(selector)`.
 *
 * Kept dependency-free on purpose: a ~30-line external store over useSyncExternalStore
 * does what zustand would, and React Flow's own zustand instance stays private to it.
 * The actions come in slices (store/*-slice.ts) over one core (store/core.ts).
 */
import type { SopDocument } from '@closeloop/engine';
import { createContext, useContext, useRef, useSyncExternalStore } from 'react';
import { fitGroups, graphToSop, sopToGraph } from '../../shared/graph/sop-graph.ts';
import { createStoreCore, type EditorState } from './store/core.ts';
import { historySlice } from './store/history-slice.ts';
import { stageSlice } from './store/stage-slice.ts';
import { structureSlice } from './store/structure-slice.ts';
import { viewSlice } from './store/view-slice.ts';

export type { EditorState } from './store/core.ts';
export { absolutePosition, initialIds } from './store/graph-ops.ts';

/** Creates one editor's store around a document. */
export function createEditorStore(sopId: string, doc: SopDocument) {
  const { graph, needsLayout } = sopToGraph(doc);
  const core = createStoreCore(
    {
      sopId,
      meta: graph.meta,
      nodes: fitGroups(graph.nodes),
      edges: graph.edges,
      past: [],
      future: [],
      revision: 0,
      problems: [],
      problemIndex: { nodes: {}, edges: {} },
      recordCounts: {},
      highlighted: [],
      clipboard: null,
    },
    graph.edges.length,
  );
  const actions = {
    ...viewSlice(core),
    ...structureSlice(core),
    ...stageSlice(core),
    ...historySlice(core),
  };

  return {
    /** The loaded document had stages without saved positions. */
    needsLayout,
    getState: core.get,
    subscribe: core.subscribe,
    actions,
    /** The document as it stands now. */
    toDocument: (): SopDocument => {
      const state = core.get();
      return graphToSop({ meta: state.meta, nodes: state.nodes, edges: state.edges });
    },
  };
}

export type EditorStore = ReturnType<typeof createEditorStore>;
export type EditorActions = EditorStore['actions'];

export const EditorStoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore outside <EditorStoreContext>');
  return store;
}

/**
 * Reads a slice of the editor state; re-renders only when the selected value changes
 * (by `Object.is`, or `equal` when given).
 */
export function useEditor<T>(
  selector: (s: EditorState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  const store = useEditorStore();
  const cache = useRef<{ state: EditorState; selector: unknown; value: T } | null>(null);
  const get = () => {
    const s = store.getState();
    const c = cache.current;
    if (c && c.state === s && c.selector === selector) return c.value;
    const value = selector(s);
    if (c && equal(c.value, value)) {
      cache.current = { state: s, selector, value: c.value };
      return c.value;
    }
    cache.current = { state: s, selector, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, get, get);
}

export function useEditorActions(): EditorActions {
  return useEditorStore().actions;
}

/** Shallow equality for arrays and plain objects, for selectors that build them. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}
