/**
 * The editor store's core: the state, its listeners, and the three ways the actions change it
 * — `set` (anything), `commit` (a change to the document: bumps the revision) and `remember`
 * (an undo step; repeated edits with the same tag coalesce). The slices build on it.
 */
import type { Problem } from '@closeloop/engine';
import type { ActionEdge, SopGraphMeta, StageNode } from '../../../shared/graph/sop-graph.ts';
import { strip } from './graph-ops.ts';

export type Snapshot = { meta: SopGraphMeta; nodes: StageNode[]; edges: ActionEdge[] };

export type EditorState = {
  sopId: string;
  meta: SopGraphMeta;
  nodes: StageNode[];
  edges: ActionEdge[];
  past: Snapshot[];
  future: Snapshot[];
  /** Bumped by every change to the document (not by selection or measuring). */
  revision: number;
  problems: Problem[];
  /** Problem counts per node and edge id, for the markers on the canvas. */
  problemIndex: { nodes: Record<string, number>; edges: Record<string, number> };
  /** Records sitting in each stage now (state id → count), from the server. */
  recordCounts: Record<string, number>;
  /** Stages the simulator is in, highlighted on the canvas. */
  highlighted: string[];
  clipboard: { nodes: StageNode[]; edges: ActionEdge[] } | null;
};

type Listener = () => void;

const HISTORY_LIMIT = 100;
const COALESCE_MS = 800;

export function createStoreCore(initial: EditorState, edgeCount: number) {
  let state = initial;
  const listeners = new Set<Listener>();
  let lastTag = '';
  let lastTagAt = 0;
  let edgeSeq = edgeCount;

  const get = () => state;
  const set = (next: Partial<EditorState>) => {
    state = { ...state, ...next };
    for (const l of listeners) l();
  };
  const snapshot = (): Snapshot => ({
    meta: state.meta,
    nodes: strip(state.nodes),
    edges: state.edges,
  });
  /** Records the current graph for undo; repeated edits with the same tag coalesce. */
  const remember = (tag = '') => {
    const now = Date.now();
    if (tag && tag === lastTag && now - lastTagAt < COALESCE_MS) {
      lastTagAt = now;
      return;
    }
    lastTag = tag;
    lastTagAt = now;
    set({ past: [...state.past.slice(-HISTORY_LIMIT + 1), snapshot()], future: [] });
  };
  const commit = (next: Partial<Pick<EditorState, 'meta' | 'nodes' | 'edges'>>) => {
    set({ ...next, revision: state.revision + 1 });
  };
  const newEdgeId = () => {
    edgeSeq += 1;
    let id = `e${edgeSeq}`;
    while (state.edges.some((e) => e.id === id)) id = `e${++edgeSeq}`;
    return id;
  };
  /** The next edit starts its own undo step, whatever its tag. */
  const forgetTag = () => {
    lastTag = '';
  };
  const subscribe = (l: Listener) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return { get, set, snapshot, remember, commit, newEdgeId, forgetTag, subscribe };
}

export type StoreCore = ReturnType<typeof createStoreCore>;
