/** Edits of the chart's structure: moving a stage into a group, actions between stages, the SOP's own settings, deleting. */
import type { Connection } from '@xyflow/react';
import {
  type ActionData,
  type ActionEdge,
  descendantsOf,
  fitGroups,
  freshKey,
  keyOf,
  type SopGraphMeta,
  type StageNode,
  sortParentsFirst,
  withData,
} from '../../../shared/graph/sop-graph.ts';
import type { StoreCore } from './core.ts';
import { absolutePosition, renameIds, strip } from './graph-ops.ts';

export function structureSlice({ get, remember, commit, newEdgeId }: StoreCore) {
  return {
    /** Moves a dropped node into (or out of) a group; its id follows its new path. */
    reparent(id: string, newParent: string | undefined, absolute: { x: number; y: number }) {
      const node = get().nodes.find((n) => n.id === id);
      if (!node || node.parentId === newParent) return;
      if (newParent && (newParent === id || newParent.startsWith(`${id}.`))) return;
      const parent = newParent ? get().nodes.find((n) => n.id === newParent) : undefined;
      const origin = parent ? absolutePosition(get().nodes, parent.id) : { x: 0, y: 0 };
      const key = freshKey(
        get().nodes.filter((n) => n.id !== id),
        newParent,
        node.data.key,
      );
      const newId = newParent ? `${newParent}.${key}` : key;
      const moved = renameIds(get(), id, newId);
      const nodes = moved.nodes.map((n): StageNode => {
        if (n.id !== newId) return n;
        const base = { ...n, position: { x: absolute.x - origin.x, y: absolute.y - origin.y } };
        const data = { ...n.data, key };
        const out = withData(base, data);
        if (newParent) return { ...out, parentId: newParent };
        const { parentId: _p, ...rest } = out;
        return rest as StageNode;
      });
      commit({ nodes: fitGroups(sortParentsFirst(nodes)), edges: moved.edges, meta: moved.meta });
    },
    connect(c: Connection) {
      if (!c.source || !c.target) return;
      remember();
      const target = get().nodes.find((n) => n.id === c.target);
      const base = `TO_${(target ? keyOf(target.id) : 'NEXT').toUpperCase()}`;
      const taken = new Set(
        get()
          .edges.filter((e) => e.source === c.source)
          .map((e) => e.data?.event),
      );
      let event = base.replace(/[^A-Z0-9_]/g, '_');
      for (let i = 2; taken.has(event); i++) event = `${base}_${i}`;
      const edge: ActionEdge = {
        id: newEdgeId(),
        type: 'action',
        source: c.source,
        target: c.target,
        selected: true,
        data: {
          event,
          order: 0,
          // the button says where it goes, in the stage's own words, not `TO_CONTACTED`
          ...(target?.data.stage?.title ? { meta: { label: { ...target.data.stage.title } } } : {}),
          extra: {},
        },
      };
      commit({
        edges: [...get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)), edge],
        nodes: strip(get().nodes),
      });
    },
    updateAction(edgeId: string, update: (d: ActionData) => ActionData, tag = `action:${edgeId}`) {
      remember(tag);
      commit({
        edges: get().edges.map((e) =>
          e.id === edgeId && e.data ? { ...e, data: update(e.data) } : e,
        ),
      });
    },
    retarget(edgeId: string, target: string) {
      remember();
      commit({
        edges: get().edges.map((e) => {
          if (e.id !== edgeId || !e.data) return e;
          const { targetless: _t, unresolvedTarget: _u, ...data } = e.data;
          return { ...e, target, data };
        }),
      });
    },
    setMeta(update: (m: SopGraphMeta) => SopGraphMeta, tag = 'meta') {
      remember(tag);
      commit({ meta: update(get().meta) });
    },
    /** Deletes nodes (with their descendants) and edges, and every edge touching them. */
    deleteElements(nodeIds: string[], edgeIds: string[]) {
      if (!nodeIds.length && !edgeIds.length) return;
      remember();
      const gone = new Set<string>();
      for (const id of nodeIds) {
        gone.add(id);
        for (const d of descendantsOf(get().nodes, id)) gone.add(d.id);
      }
      const edgesGone = new Set(edgeIds);
      commit({
        nodes: fitGroups(get().nodes.filter((n) => !gone.has(n.id))),
        edges: get().edges.filter(
          (e) => !edgesGone.has(e.id) && !gone.has(e.source) && !gone.has(e.target),
        ),
      });
    },
  };
}
