/**
 * Pure operations on the editor's graph that the store's actions build on: new stages with
 * their titles and place, renaming a subtree, positions, and the stages each parent starts in.
 */
import type { LocalizedText } from '@closeloop/engine';
import { freeSpot, numberedTitle } from '../../../shared/graph/placement.ts';
import {
  type ActionEdge,
  blankStageData,
  fitGroups,
  freshKey,
  GROUP_PADDING,
  keyOf,
  NODE_SIZE,
  parentPath,
  type SopGraphMeta,
  type StageData,
  type StageKind,
  type StageNode,
  sizeOf,
  sortParentsFirst,
  withData,
} from '../../../shared/graph/sop-graph.ts';
import { en } from '../../../shared/i18n/en.ts';
import { zhCN } from '../../../shared/i18n/zh-CN.ts';

type Graph = { nodes: StageNode[]; edges: ActionEdge[]; meta: SopGraphMeta };

/** State keys of new stages (ids stay ASCII; the title is what people read). */
const KEY_BASE: Record<StageKind, string> = {
  stage: 'stage',
  final: 'done',
  compound: 'compound',
  parallel: 'parallel',
  history: 'history',
};

/** Rough boxes of new stages, for finding free space before React Flow measures them. */
const NEW_SIZE: Record<StageKind, { width: number; height: number }> = {
  stage: NODE_SIZE.stage,
  final: NODE_SIZE.final,
  history: NODE_SIZE.history,
  compound: { width: 260, height: 140 },
  parallel: { width: 320, height: 220 },
};

type NewName = keyof typeof zhCN.editor.newNames;

/** The default title of a new stage in both languages. */
function newName(kind: StageKind | 'region'): LocalizedText {
  const k: NewName = kind === 'history' ? 'stage' : kind;
  return { 'zh-CN': zhCN.editor.newNames[k], en: en.editor.newNames[k] };
}

export function strip(nodes: StageNode[]): StageNode[] {
  return nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
}

/**
 * A new stage near `position` (else beside its siblings) but never on top of one, titled in
 * both languages ("新阶段" / "New stage", numbered when taken); a group comes with one child
 * so it is a valid statechart at once. Returns its id and all nodes, the new one selected.
 */
export function newStageNodes(
  nodes: StageNode[],
  kind: StageKind,
  parentId?: string,
  position?: { x: number; y: number },
): { id: string; nodes: StageNode[] } {
  const parent = parentId ? nodes.find((n) => n.id === parentId) : undefined;
  const pid =
    parent && (parent.type === 'compound' || parent.type === 'parallel') ? parent.id : undefined;
  const key = freshKey(nodes, pid, KEY_BASE[kind]);
  const id = pid ? `${pid}.${key}` : key;
  const siblings = nodes.filter((n) => n.parentId === pid);
  const preferred = position ?? {
    x: siblings.reduce((m, n) => Math.max(m, n.position.x), -260) + 260,
    y: siblings.length ? (siblings[0]?.position.y ?? 0) : pid ? GROUP_PADDING.top : 0,
  };
  const boxes = siblings.map((n) => ({ ...n.position, ...sizeOf(n) }));
  const at = freeSpot(boxes, preferred, NEW_SIZE[kind]);
  const titles = nodes.map((n) => n.data.stage?.title);
  const named = (k: StageKind, key: string, title: LocalizedText): StageData => {
    const data = blankStageData(k, key);
    if (!data.stage) return data;
    const t = numberedTitle(title, titles);
    titles.push(t);
    return { ...data, stage: { ...data.stage, title: t } } as StageData;
  };
  const node = withData(
    { id, position: at, selected: true, ...(pid ? { parentId: pid } : {}) },
    named(kind, key, newName(kind)),
  );
  const next = [...strip(nodes), node];
  if (kind === 'compound' || kind === 'parallel') {
    const childKind: StageKind = kind === 'parallel' ? 'compound' : 'stage';
    const childKey = kind === 'parallel' ? 'region' : 'step';
    const child = withData(
      { id: `${id}.${childKey}`, parentId: id, position: { x: 24, y: 44 } },
      named(childKind, childKey, kind === 'parallel' ? newName('region') : newName('stage')),
    );
    next.push(child);
    if (childKind === 'compound') {
      next.push(
        withData(
          {
            id: `${id}.${childKey}.step`,
            parentId: `${id}.${childKey}`,
            position: { x: 24, y: 44 },
          },
          named('stage', 'step', newName('stage')),
        ),
      );
    }
  }
  return { id, nodes: fitGroups(sortParentsFirst(next)) };
}

export function absolutePosition(
  nodes: readonly StageNode[],
  id: string,
): { x: number; y: number } {
  let x = 0;
  let y = 0;
  let cur = nodes.find((n) => n.id === id);
  while (cur) {
    x += cur.position.x;
    y += cur.position.y;
    const pid = cur.parentId;
    cur = pid ? nodes.find((n) => n.id === pid) : undefined;
  }
  return { x, y };
}

export function renameIds(s: Graph, from: string, to: string): Graph {
  const map = (id: string) =>
    id === from ? to : id.startsWith(`${from}.`) ? `${to}${id.slice(from.length)}` : id;
  const oldParent = parentPath(from);
  const newParent = parentPath(to);
  const nodes = s.nodes.map((n): StageNode => {
    const id = map(n.id);
    const parentId = n.parentId ? map(n.parentId) : undefined;
    let data = n.data;
    // the old parent compound started in this stage: follow the new key when staying put
    if (n.id === oldParent && data.kind === 'compound' && data.initial === keyOf(from)) {
      data = { ...data, initial: oldParent === newParent ? keyOf(to) : undefined };
    }
    const base = { ...n, id };
    const out = withData(parentId ? { ...base, parentId } : base, data);
    if (!parentId && 'parentId' in out) {
      const { parentId: _p, ...rest } = out;
      return rest as StageNode;
    }
    return out;
  });
  const edges = s.edges.map((e) => {
    const source = map(e.source);
    const target = map(e.target);
    const also = e.data?.alsoTargets?.map(map);
    if (source === e.source && target === e.target && !also) return e;
    return {
      ...e,
      source,
      target,
      ...(e.data && also ? { data: { ...e.data, alsoTargets: also } } : {}),
    };
  });
  const meta =
    !oldParent && s.meta.initial === from && !newParent ? { ...s.meta, initial: to } : s.meta;
  return { nodes, edges, meta };
}

const initialCache = new WeakMap<object, Set<string>>();

/** Ids of the stages each parent (or the SOP) starts in; cached per nodes array. */
export function initialIds(s: Pick<Graph, 'nodes' | 'meta'>): Set<string> {
  const hit = initialCache.get(s.nodes);
  if (hit?.has(s.meta.initial)) return hit;
  const out = new Set<string>();
  const firstChild = new Map<string | undefined, string>();
  for (const n of s.nodes) if (!firstChild.has(n.parentId)) firstChild.set(n.parentId, n.id);
  const rootIds = new Set(s.nodes.filter((n) => !n.parentId).map((n) => n.id));
  out.add(rootIds.has(s.meta.initial) ? s.meta.initial : (firstChild.get(undefined) ?? ''));
  for (const n of s.nodes) {
    if (n.data.kind !== 'compound') continue;
    const want = n.data.initial ? `${n.id}.${n.data.initial}` : undefined;
    const kids = s.nodes.filter((k) => k.parentId === n.id);
    const pick = kids.find((k) => k.id === want) ?? kids[0];
    if (pick) out.add(pick.id);
  }
  initialCache.set(s.nodes, out);
  return out;
}
