/** Copy and paste, undo and redo, and whole-graph replacements (import, layout). */
import type { EdgeRoute } from '../../../shared/graph/layout.ts';
import {
  type ActionEdge,
  descendantsOf,
  fitGroups,
  freshKey,
  keyOf,
  type SopGraph,
  type StageNode,
  sortParentsFirst,
  withData,
} from '../../../shared/graph/sop-graph.ts';
import type { StoreCore } from './core.ts';
import { strip } from './graph-ops.ts';

export function historySlice({
  get,
  set,
  remember,
  commit,
  newEdgeId,
  snapshot,
  forgetTag,
}: StoreCore) {
  return {
    copy() {
      const picked = get().nodes.filter((n) => n.selected);
      const ids = new Set<string>();
      for (const n of picked) {
        ids.add(n.id);
        for (const d of descendantsOf(get().nodes, n.id)) ids.add(d.id);
      }
      const nodes = get().nodes.filter((n) => ids.has(n.id));
      const edges = get().edges.filter((e) => ids.has(e.source) && ids.has(e.target));
      set({ clipboard: nodes.length ? { nodes, edges } : null });
      return nodes.length;
    },
    paste() {
      const clip = get().clipboard;
      if (!clip) return;
      remember();
      const copied = new Set(clip.nodes.map((n) => n.id));
      const tops = clip.nodes.filter((n) => !n.parentId || !copied.has(n.parentId));
      const rename = new Map<string, string>();
      let current = strip(get().nodes);
      const added: StageNode[] = [];
      for (const top of tops) {
        const parent =
          top.parentId && current.some((n) => n.id === top.parentId) ? top.parentId : undefined;
        const key = freshKey([...current, ...added], parent, top.data.key);
        const newTop = parent ? `${parent}.${key}` : key;
        rename.set(top.id, newTop);
        for (const n of clip.nodes) {
          if (n.id.startsWith(`${top.id}.`))
            rename.set(n.id, `${newTop}${n.id.slice(top.id.length)}`);
        }
        for (const n of clip.nodes) {
          const newId = rename.get(n.id);
          if (!newId || added.some((a) => a.id === newId)) continue;
          const isTop = n.id === top.id;
          const base = {
            ...n,
            id: newId,
            selected: isTop,
            position: isTop ? { x: n.position.x + 40, y: n.position.y + 40 } : n.position,
          };
          const withParent = isTop
            ? parent
              ? { ...base, parentId: parent }
              : (({ parentId: _p, ...rest }) => rest)(base)
            : { ...base, parentId: rename.get(n.parentId ?? '') ?? n.parentId };
          added.push(withData(withParent as StageNode, { ...n.data, key: keyOf(newId) }));
        }
      }
      current = [...current, ...added];
      const edges = clip.edges.map(
        (e): ActionEdge => ({
          ...e,
          id: newEdgeId(),
          selected: false,
          source: rename.get(e.source) ?? e.source,
          target: rename.get(e.target) ?? e.target,
        }),
      );
      commit({ nodes: fitGroups(sortParentsFirst(current)), edges: [...get().edges, ...edges] });
    },
    undo() {
      const prev = get().past.at(-1);
      if (!prev) return;
      forgetTag();
      set({
        past: get().past.slice(0, -1),
        future: [snapshot(), ...get().future],
        ...prev,
        revision: get().revision + 1,
      });
    },
    redo() {
      const [next, ...rest] = get().future;
      if (!next) return;
      forgetTag();
      set({
        past: [...get().past, snapshot()],
        future: rest,
        ...next,
        revision: get().revision + 1,
      });
    },
    /** Replaces the whole graph (import, auto-layout, rollback), undoably. */
    replace(graph: SopGraph) {
      remember();
      commit({ meta: graph.meta, nodes: fitGroups(graph.nodes), edges: graph.edges });
    },
    /** Auto-layout's result: new positions, and each action's route (kept on the edge only). */
    /**
     * Places the stages and routes the edges. `initial` is the layout a document without
     * positions gets when it opens: not an edit (no undo step, no unsaved change, no draft
     * saved just for looking); the positions are saved with the first real edit.
     */
    applyLayout(
      nodes: StageNode[],
      routes: ReadonlyMap<string, EdgeRoute>,
      opts: { initial?: boolean } = {},
    ) {
      const next = {
        nodes: fitGroups(nodes),
        edges: get().edges.map((e) => {
          if (!e.data) return e;
          const { route: _r, ...data } = e.data;
          const route = routes.get(e.id);
          return { ...e, data: route ? { ...data, route } : data };
        }),
      };
      if (opts.initial) return set(next);
      remember();
      commit(next);
    },
    setNodes(nodes: StageNode[]) {
      remember();
      commit({ nodes: fitGroups(nodes) });
    },
  };
}
