/**
 * Auto-layout with elkjs (layered, left to right, groups laid out with their children).
 * elkjs is loaded on first use so it stays out of the editor's initial chunk.
 *
 * ELK also routes the actions: orthogonally, around the stages, from a port where the
 * stage's outgoing handle is to the port where the incoming one is, with room made for each
 * action's label. `layoutGraph` returns those routes (absolute flow coordinates) so the
 * canvas draws them instead of a straight step line that may cross a stage and hide its
 * label under it.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import {
  type ActionEdge,
  GROUP_PADDING,
  NODE_SIZE,
  type StageNode,
  sizeOf,
  withData,
} from './sop-graph.ts';

type Elk = { layout: (graph: ElkNode) => Promise<ElkNode> };
let elk: Promise<Elk> | null = null;

function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

export type Point = { x: number; y: number };

/** An action's route from the layout: its bend points and its label's centre. */
export type EdgeRoute = { points: Point[]; label?: Point };

function leafSize(node: StageNode) {
  if (node.type === 'final') return NODE_SIZE.final;
  if (node.type === 'history') return NODE_SIZE.history;
  return NODE_SIZE.stage;
}

/** Rough width of an edge label's text at 11px: CJK characters are square, others narrow. */
export function labelWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 11 : 6.5;
  // padding, border and room for the gate / role icons
  return Math.min(180, Math.ceil(w) + 40);
}
export const LABEL_HEIGHT = 20;

const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** The ports ELK routes between: where the canvas draws the stage's handles. */
function ports(id: string, width: number, height: number) {
  return [
    {
      id: `${id}::in`,
      x: 0,
      y: height / 2,
      width: 0,
      height: 0,
      layoutOptions: { 'elk.port.side': 'WEST' },
    },
    {
      id: `${id}::out`,
      x: width,
      y: height / 2,
      width: 0,
      height: 0,
      layoutOptions: { 'elk.port.side': 'EAST' },
    },
  ];
}

function buildGraph(
  nodes: StageNode[],
  edges: ActionEdge[],
  labelOf: (e: ActionEdge) => string,
): ElkNode {
  const kids = new Map<string | undefined, StageNode[]>();
  for (const n of nodes) {
    const list = kids.get(n.parentId) ?? [];
    list.push(n);
    kids.set(n.parentId, list);
  }
  const build = (n: StageNode): ElkNode => {
    const children = kids.get(n.id) ?? [];
    const isGroup = n.type === 'compound' || n.type === 'parallel';
    const size = isGroup ? sizeOf(n) : leafSize(n);
    if (!isGroup) {
      return {
        id: n.id,
        ...size,
        layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
        ports: ports(n.id, size.width, size.height),
      };
    }
    return {
      id: n.id,
      layoutOptions: {
        'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.side},bottom=${GROUP_PADDING.bottom},right=${GROUP_PADDING.side}]`,
        'elk.direction': n.type === 'parallel' ? 'DOWN' : 'RIGHT',
        'elk.nodeSize.minimum': '(260,140)',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // the ports keep their place (the middle of each side) as ELK sizes the group
        'elk.portConstraints': 'FIXED_SIDE',
      },
      ...size,
      ports: ports(n.id, size.width, size.height),
      children: children.map(build),
    };
  };
  const elkEdges: ElkExtendedEdge[] = edges
    .filter((e) => !related(e.source, e.target))
    .map((e) => {
      const text = labelOf(e);
      return {
        id: e.id,
        sources: [`${e.source}::out`],
        targets: [`${e.target}::in`],
        ...(text
          ? {
              labels: [
                { id: `${e.id}::label`, text, width: labelWidth(text), height: LABEL_HEIGHT },
              ],
            }
          : {}),
      };
    });
  return {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.edgeEdge': '14',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      // a closed loop has cycles: the actions that point back against the document's order
      // of stages are the ones turned around, so the start stage (first) stays on the left
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'PARENT',
    },
    children: (kids.get(undefined) ?? []).map(build),
    edges: elkEdges,
  };
}

function collectRoutes(out: ElkNode): Map<string, EdgeRoute> {
  const routes = new Map<string, EdgeRoute>();
  const visit = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      const section = e.sections?.[0];
      if (!section) continue;
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(
        (p) => ({ x: Math.round(p.x), y: Math.round(p.y) }),
      );
      const l = e.labels?.[0];
      const label =
        l && l.x !== undefined && l.y !== undefined
          ? { x: Math.round(l.x + (l.width ?? 0) / 2), y: Math.round(l.y + (l.height ?? 0) / 2) }
          : undefined;
      routes.set(e.id, label ? { points, label } : { points });
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(out);
  return routes;
}

/**
 * New positions (and group sizes) for every node, and the route of every action between
 * stages that are not nested in one another.
 */
export async function layoutGraph(
  nodes: StageNode[],
  edges: ActionEdge[],
  labelOf: (e: ActionEdge) => string = (e) => e.data?.event ?? '',
): Promise<{ nodes: StageNode[]; routes: Map<string, EdgeRoute> }> {
  const ELK = await loadElk();
  const out = await ELK.layout(buildGraph(nodes, edges, labelOf));
  const placed = new Map<string, { x: number; y: number; width?: number; height?: number }>();
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      placed.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width, height: c.height });
      collect(c);
    }
  };
  collect(out);
  const laid = nodes.map((n) => {
    const p = placed.get(n.id);
    if (!p) return n;
    const base = { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
    const isGroup = n.type === 'compound' || n.type === 'parallel';
    const sized = isGroup ? { ...base, width: p.width, height: p.height } : base;
    return withData(sized, n.data);
  });
  return { nodes: laid, routes: collectRoutes(out) };
}

/** New positions (and group sizes) for every node; edges only guide the layering. */
export async function autoLayout(nodes: StageNode[], edges: ActionEdge[]): Promise<StageNode[]> {
  return (await layoutGraph(nodes, edges)).nodes;
}
