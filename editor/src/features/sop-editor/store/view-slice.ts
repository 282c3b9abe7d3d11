/** What the canvas and the panels feed back without editing the document: React Flow's changes, selection, problems, record counts, the simulator's highlight and the version. */
import type { Problem } from '@closeloop/engine';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import {
  type ActionEdge,
  fitGroups,
  locateProblem,
  type StageNode,
} from '../../../shared/graph/sop-graph.ts';
import type { EditorState, StoreCore } from './core.ts';

export function viewSlice({ get, set, remember, commit }: StoreCore) {
  return {
    /** React Flow's changes: selection and measuring pass through; drags commit on release. */
    onNodesChange(changes: NodeChange<StageNode>[]) {
      const relevant = changes.filter((c) => c.type !== 'remove' && c.type !== 'add');
      if (!relevant.length) return;
      const nodes = applyNodeChanges(relevant, get().nodes);
      const dragEnded = relevant.some((c) => c.type === 'position' && c.dragging === false);
      if (dragEnded) commit({ nodes: fitGroups(nodes) });
      else set({ nodes });
    },
    onEdgesChange(changes: EdgeChange<ActionEdge>[]) {
      const relevant = changes.filter((c) => c.type === 'select');
      if (relevant.length) set({ edges: applyEdgeChanges(relevant, get().edges) });
    },
    beginDrag() {
      remember();
    },
    select(ids: { nodes?: string[]; edges?: string[] }) {
      const ns = new Set(ids.nodes ?? []);
      const es = new Set(ids.edges ?? []);
      set({
        nodes: get().nodes.map((n) =>
          !!n.selected === ns.has(n.id) ? n : { ...n, selected: ns.has(n.id) },
        ),
        edges: get().edges.map((e) =>
          !!e.selected === es.has(e.id) ? e : { ...e, selected: es.has(e.id) },
        ),
      });
    },
    setProblems(problems: Problem[]) {
      const index: EditorState['problemIndex'] = { nodes: {}, edges: {} };
      for (const p of problems) {
        const at = locateProblem(get(), p);
        if (at.edgeId) index.edges[at.edgeId] = (index.edges[at.edgeId] ?? 0) + 1;
        else if (at.nodeId) index.nodes[at.nodeId] = (index.nodes[at.nodeId] ?? 0) + 1;
      }
      set({ problems, problemIndex: index });
    },
    setRecordCounts(recordCounts: Record<string, number>) {
      set({ recordCounts });
    },
    setHighlighted(highlighted: string[]) {
      set({ highlighted });
    },
    /** Marks the document as saved at a new version number (after publish). */
    setVersion(version: number) {
      set({ meta: { ...get().meta, version } });
    },
  };
}
