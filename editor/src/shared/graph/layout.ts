/**
 * Auto-layout with elkjs (layered, left to right, groups laid out with their children).
 * elkjs is loaded on first use so it stays out of the editor's initial chunk.
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import {
  type ActionEdge,
  GROUP_PADDING,
  NODE_SIZE,
  type StageNode,
  withData,
} from './sop-graph.ts';

type Elk = { layout: (graph: ElkNode) => Promise<ElkNode> };
let elk: Promise<Elk> | null = null;

function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

function leafSize(node: StageNode) {
  if (node.type === 'final') return NODE_SIZE.final;
  if (node.type === 'history') return NODE_SIZE.history;
  return NODE_SIZE.stage;
}

/** New positions (and group sizes) for every node; edges only guide the layering. */
export async function autoLayout(nodes: StageNode[], edges: ActionEdge[]): Promise<StageNode[]> {
  const ELK = await loadElk();
  const kids = new Map<string | undefined, StageNode[]>();
  for (const n of nodes) {
    const list = kids.get(n.parentId) ?? [];
    list.push(n);
    kids.set(n.parentId, list);
  }
  const build = (n: StageNode): ElkNode => {
    const children = kids.get(n.id) ?? [];
    const isGroup = n.type === 'compound' || n.type === 'parallel';
    if (!isGroup) return { id: n.id, ...leafSize(n) };
    return {
      id: n.id,
      layoutOptions: {
        'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.side},bottom=${GROUP_PADDING.bottom},right=${GROUP_PADDING.side}]`,
        'elk.direction': n.type === 'parallel' ? 'DOWN' : 'RIGHT',
        'elk.nodeSize.minimum': '(260,140)',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      },
      children: children.map(build),
    };
  };
  const related = (a: string, b: string) =>
    a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  const graph: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: (kids.get(undefined) ?? []).map(build),
    edges: edges
      .filter((e) => !related(e.source, e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await ELK.layout(graph);
  const placed = new Map<string, { x: number; y: number; width?: number; height?: number }>();
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      placed.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width, height: c.height });
      collect(c);
    }
  };
  collect(out);
  return nodes.map((n) => {
    const p = placed.get(n.id);
    if (!p) return n;
    const base = { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
    const isGroup = n.type === 'compound' || n.type === 'parallel';
    const sized = isGroup ? { ...base, width: p.width, height: p.height } : base;
    return withData(sized, n.data);
  });
}
