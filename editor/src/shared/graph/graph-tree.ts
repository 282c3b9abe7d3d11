/** Reading and fitting the graph's tree of nested stages: children, fresh keys, sizes, group boxes, a problem's place. */
import type { LocalizedText, SopDocument } from '@closeloop/engine';
import { loc } from '../loc.ts';
import {
  GROUP_PADDING,
  NODE_SIZE,
  type SopGraph,
  type StageData,
  type StageNode,
} from './graph-types.ts';

export function stageTitle(data: StageData, lang: string): string {
  return loc(data.stage?.title, data.key, lang);
}

/** Finds the node or edge a validation problem points at, from its `stage` or JSON `path`. */
export function locateProblem(
  graph: Pick<SopGraph, 'nodes' | 'edges'>,
  problem: { path: string; stage?: string },
): { nodeId?: string; edgeId?: string } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  // machine.states.a.states.b.on.EVENT[0]...
  const m = /^machine\.((?:states\.[^.[\]]+\.?)+)(?:on\.([^.[\]]+)(?:\[(\d+)\])?)?/.exec(
    problem.path,
  );
  if (m?.[1]) {
    const parts = m[1].split('.').filter(Boolean);
    const path: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      if (parts[i] === 'states' && parts[i + 1]) path.push(parts[i + 1] as string);
    }
    const nodeId = path.join('.');
    if (m[2] && ids.has(nodeId)) {
      const order = m[3] ? Number(m[3]) : 0;
      const edge = graph.edges.find(
        (e) => e.source === nodeId && e.data?.event === m[2] && (e.data?.order ?? 0) === order,
      );
      if (edge) return { edgeId: edge.id, nodeId };
    }
    if (ids.has(nodeId)) return { nodeId };
  }
  if (problem.stage) {
    const stage = problem.stage.replace(/^#?[^.]*\((machine)\)\./, '');
    if (ids.has(stage)) return { nodeId: stage };
    const dot = stage.indexOf('.');
    if (dot > 0 && ids.has(stage.slice(dot + 1))) return { nodeId: stage.slice(dot + 1) };
  }
  return {};
}

/** Child ids of a node, in array order. */
export function childrenOf(nodes: readonly StageNode[], parentId: string | undefined): StageNode[] {
  return nodes.filter((n) => n.parentId === parentId);
}

/** All descendants of a node (not including it). */
export function descendantsOf(nodes: readonly StageNode[], id: string): StageNode[] {
  return nodes.filter((n) => n.id.startsWith(`${id}.`));
}

/** A state key not yet used among the siblings: `base`, `base2`, `base3`… */
export function freshKey(nodes: readonly StageNode[], parentId: string | undefined, base: string) {
  const taken = new Set(childrenOf(nodes, parentId).map((n) => n.data.key));
  const clean = base.replace(/[^A-Za-z0-9_]/g, '') || 'stage';
  const head = /^[A-Za-z]/.test(clean) ? clean : `s${clean}`;
  if (!taken.has(head)) return head;
  for (let i = 2; ; i++) if (!taken.has(`${head}${i}`)) return `${head}${i}`;
}

/** Measured or computed box of a node, for layout and group fitting. */
export function sizeOf(node: StageNode): { width: number; height: number } {
  if (node.type === 'compound' || node.type === 'parallel') {
    return {
      width: node.width ?? node.measured?.width ?? 320,
      height: node.height ?? node.measured?.height ?? 200,
    };
  }
  if (node.type === 'final') return NODE_SIZE.final;
  if (node.type === 'history') return NODE_SIZE.history;
  return NODE_SIZE.stage;
}

/**
 * Sizes every group (compound, parallel) to hold its children with padding, innermost first,
 * and shifts children so none sits above or left of the padding.
 */
export function fitGroups(nodes: StageNode[]): StageNode[] {
  const byId = new Map<string, StageNode>(nodes.map((n) => [n.id, { ...n }]));
  const depth = (id: string) => id.split('.').length;
  const groups = [...byId.values()]
    .filter((n) => n.type === 'compound' || n.type === 'parallel')
    .sort((a, b) => depth(b.id) - depth(a.id));
  for (const g of groups) {
    const kids = [...byId.values()].filter((n) => n.parentId === g.id);
    if (!kids.length) {
      g.width = Math.max(g.width ?? 0, 260);
      g.height = Math.max(g.height ?? 0, 140);
      continue;
    }
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    for (const k of kids) {
      minX = Math.min(minX, k.position.x);
      minY = Math.min(minY, k.position.y);
    }
    const dx = minX < GROUP_PADDING.side ? GROUP_PADDING.side - minX : 0;
    const dy = minY < GROUP_PADDING.top ? GROUP_PADDING.top - minY : 0;
    let maxX = 0;
    let maxY = 0;
    for (const k of kids) {
      if (dx || dy) k.position = { x: k.position.x + dx, y: k.position.y + dy };
      const s = sizeOf(k);
      maxX = Math.max(maxX, k.position.x + s.width);
      maxY = Math.max(maxY, k.position.y + s.height);
    }
    if (dx || dy) g.position = { x: g.position.x - dx, y: g.position.y - dy };
    g.width = Math.max(maxX + GROUP_PADDING.side, 260);
    g.height = Math.max(maxY + GROUP_PADDING.bottom, 140);
  }
  return nodes.map((n) => byId.get(n.id) ?? n);
}

/** A new empty SOP with one start stage and a won final stage. */
export function blankSop(id: string, name: LocalizedText): SopDocument {
  return {
    id,
    version: 0,
    name,
    fields: [],
    machine: {
      id,
      initial: 'new',
      states: {
        new: {
          meta: { stage: { title: { 'zh-CN': '新线索', en: 'New lead' } } },
          on: { CLOSE: { target: 'won', meta: { label: { 'zh-CN': '成交', en: 'Win' } } } },
        },
        won: {
          type: 'final',
          meta: { stage: { title: { 'zh-CN': '成交', en: 'Won' }, outcome: 'won' } },
        },
      },
    },
    layout: { new: { x: 0, y: 0 }, won: { x: 320, y: 0 } },
  };
}
