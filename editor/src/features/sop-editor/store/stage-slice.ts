/** Edits of stages: add, change, rename, make initial, change kind. */

import {
  blankStageData,
  fitGroups,
  keyOf,
  parentPath,
  type StageData,
  type StageKind,
  withData,
} from '../../../shared/graph/sop-graph.ts';
import type { StoreCore } from './core.ts';
import { newStageNodes, renameIds } from './graph-ops.ts';

export function stageSlice({ get, remember, commit }: StoreCore) {
  return {
    /** Adds a stage (see `newStageNodes`) and selects it. */
    addStage(kind: StageKind, parentId?: string, position?: { x: number; y: number }) {
      remember();
      const { id, nodes } = newStageNodes(get().nodes, kind, parentId, position);
      commit({
        nodes,
        edges: get().edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      });
      return id;
    },
    updateStage(id: string, update: (d: StageData) => StageData, tag = `stage:${id}`) {
      remember(tag);
      commit({
        nodes: get().nodes.map((n) => (n.id === id ? withData(n, update(n.data)) : n)),
      });
    },
    /** Changes a get()'s key; descendants, edges and initial markers follow. */
    renameStage(id: string, key: string) {
      const parent = parentPath(id);
      const newId = parent ? `${parent}.${key}` : key;
      if (newId === id || get().nodes.some((n) => n.id === newId)) return false;
      remember();
      const moved = renameIds(get(), id, newId);
      const oldKey = keyOf(id);
      const retitle = (d: StageData): StageData => {
        // a title still equal to the old key was never written: it follows the key
        const t = d.stage?.title;
        if (!d.stage || !t || t['zh-CN'] !== oldKey || t.en !== oldKey) return { ...d, key };
        return { ...d, key, stage: { ...d.stage, title: { 'zh-CN': key, en: key } } };
      };
      commit({
        nodes: moved.nodes.map((n) => (n.id === newId ? withData(n, retitle(n.data)) : n)),
        edges: moved.edges,
        meta: moved.meta,
      });
      return newId;
    },
    /** Makes a stage the one its parent (or the SOP) starts in. */
    setInitial(id: string) {
      remember();
      const parent = parentPath(id);
      const key = keyOf(id);
      if (!parent) {
        commit({ meta: { ...get().meta, initial: key } });
        return;
      }
      commit({
        nodes: get().nodes.map((n) =>
          n.id === parent && n.data.kind === 'compound'
            ? withData(n, { ...n.data, initial: key })
            : n,
        ),
      });
    },
    /** Changes a stage's kind (stage ↔ final, stage → compound …) keeping its content. */
    setKind(id: string, kind: StageKind) {
      const node = get().nodes.find((n) => n.id === id);
      if (!node || node.data.kind === kind) return;
      const hasChildren = get().nodes.some((n) => n.parentId === id);
      if (hasChildren && kind !== 'compound' && kind !== 'parallel') return;
      remember();
      const fresh = blankStageData(kind, node.data.key);
      const data = {
        ...fresh,
        stage: node.data.stage,
        extra: node.data.extra,
        metaExtra: node.data.metaExtra,
      } as StageData;
      if (!data.stage) delete data.stage;
      commit({ nodes: fitGroups(get().nodes.map((n) => (n.id === id ? withData(n, data) : n))) });
    },
  };
}
