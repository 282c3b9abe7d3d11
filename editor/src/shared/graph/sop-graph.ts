/**
 * Graph ↔ SOP conversion: the only place that knows how an SopDocument maps onto React Flow
 * nodes and edges, and back.
 *
 * - A state is a node whose id is its dot path from the root (`followUp.call`); nested states
 *   carry `parentId` and positions relative to their parent, like React Flow sub-flows.
 * - A transition is an edge; its `data.event` is the action (XState event type) and
 *   `data.order` its place when one event has several guarded transitions.
 * - Whatever XState config the editor does not edit (entry actions, `after`, `always`, tags,
 *   custom ids…) is kept in `extra` so a Stately Studio machine survives a round trip.
 */

import type { SopDocument, StateConfig, TransitionConfig } from '@closeloop/engine';
import {
  type ActionData,
  type ActionEdge,
  type Extra,
  type NodeBase,
  parentPath,
  type SopGraph,
  type SopGraphMeta,
  type StageData,
  type StageKind,
  type StageNode,
} from './graph-types.ts';

export * from './graph-tree.ts';
export * from './graph-types.ts';

const STATE_KEYS_EDITED = new Set(['type', 'initial', 'states', 'on', 'meta', 'history']);

function childPath(parent: string | undefined, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

function pick(obj: Record<string, unknown>, omit: Set<string>): Extra {
  const out: Extra = {};
  for (const [k, v] of Object.entries(obj)) if (!omit.has(k)) out[k] = v;
  return out;
}

function kindOf(state: StateConfig): StageKind {
  if (state.type === 'final') return 'final';
  if (state.type === 'parallel') return 'parallel';
  if (state.type === 'history') return 'history';
  if (state.states && Object.keys(state.states).length > 0) return 'compound';
  if (state.type === 'compound') return 'compound';
  return 'stage';
}

function makeNodeData(kind: StageKind, base: NodeBase, state: StateConfig): StageData {
  switch (kind) {
    case 'compound':
      return { ...base, kind, initial: state.initial };
    case 'history':
      return { ...base, kind, history: state.history === 'deep' ? 'deep' : 'shallow' };
    case 'parallel':
    case 'final':
    case 'stage':
      return { ...base, kind };
  }
}

function toNode(
  id: string,
  data: StageData,
  position: { x: number; y: number },
  parentId: string | undefined,
): StageNode {
  return withData({ id, position, ...(parentId ? { parentId } : {}) }, data);
}

/** Puts `data` on a node, setting the node `type` to match its kind. */
export function withData(node: Omit<StageNode, 'type' | 'data'>, data: StageData): StageNode {
  switch (data.kind) {
    case 'stage':
      return { ...node, type: 'stage', data };
    case 'compound':
      return { ...node, type: 'compound', data };
    case 'parallel':
      return { ...node, type: 'parallel', data };
    case 'final':
      return { ...node, type: 'final', data };
    case 'history':
      return { ...node, type: 'history', data };
  }
}

/** Data for a new, empty stage of a kind. */
export function blankStageData(kind: StageKind, key: string): StageData {
  const base: NodeBase = { key, extra: {}, metaExtra: {} };
  switch (kind) {
    case 'compound':
      return { ...base, kind, initial: undefined };
    case 'history':
      return { ...base, kind, history: 'shallow' };
    case 'final':
      return { ...base, kind, stage: { title: { 'zh-CN': key, en: key }, outcome: 'done' } };
    case 'parallel':
    case 'stage':
      return { ...base, kind, stage: { title: { 'zh-CN': key, en: key } } };
  }
}

/** Resolves XState v5 target strings (sibling, `.child`, `#id`) to node ids. */
function createTargetResolver(machineId: string, customIds: Map<string, string>, ids: Set<string>) {
  return (source: string, target: string): string | undefined => {
    if (target.startsWith('#')) {
      const ref = target.slice(1);
      const direct = customIds.get(ref);
      if (direct) return direct;
      // `#customId.child.grandchild`
      const dot = ref.indexOf('.');
      if (dot > 0) {
        const head = customIds.get(ref.slice(0, dot));
        if (head && ids.has(`${head}${ref.slice(dot)}`)) return `${head}${ref.slice(dot)}`;
      }
      for (const prefix of [`${machineId}.`, '(machine).']) {
        if (ref.startsWith(prefix) && ids.has(ref.slice(prefix.length))) {
          return ref.slice(prefix.length);
        }
      }
      return undefined;
    }
    if (target.startsWith('.')) {
      const p = `${source}${target}`;
      return ids.has(p) ? p : undefined;
    }
    const p = childPath(parentPath(source), target);
    return ids.has(p) ? p : undefined;
  };
}

/**
 * Converts an SOP document to the editor graph. Positions come from `doc.layout`
 * (relative to the parent state); states without one get `needsLayout` set on the result.
 *
 * @example
 * const { graph, needsLayout } = sopToGraph(doc);
 * if (needsLayout) graph.nodes = await autoLayout(graph);
 */
export function sopToGraph(doc: SopDocument): { graph: SopGraph; needsLayout: boolean } {
  const nodes: StageNode[] = [];
  const ids = new Set<string>();
  const customIds = new Map<string, string>();
  const pending: Array<{ source: string; on: NonNullable<StateConfig['on']> }> = [];
  let needsLayout = false;
  let fallbackY = 0;

  const walk = (states: Record<string, StateConfig>, parent: string | undefined) => {
    for (const [key, state] of Object.entries(states)) {
      const id = childPath(parent, key);
      ids.add(id);
      if (typeof state.id === 'string') customIds.set(state.id, id);
      const kind = kindOf(state);
      const { stage, ...metaRest } = state.meta ?? {};
      const base: NodeBase = {
        key,
        ...(stage ? { stage } : {}),
        extra: pick(state, STATE_KEYS_EDITED),
        metaExtra: metaRest,
      };
      const saved = doc.layout?.[id];
      if (!saved) needsLayout = true;
      if (!saved) fallbackY += 100;
      const position = saved ? { x: saved.x, y: saved.y } : { x: 0, y: fallbackY };
      nodes.push(toNode(id, makeNodeData(kind, base, state), position, parent));
      if (state.on) pending.push({ source: id, on: state.on });
      if (state.states) walk(state.states, id);
    }
  };
  walk(doc.machine.states, undefined);

  const machineId = doc.machine.id ?? doc.id;
  const resolve = createTargetResolver(machineId, customIds, ids);
  const edges: ActionEdge[] = [];
  let n = 0;
  for (const { source, on } of pending) {
    for (const [event, raw] of Object.entries(on)) {
      const list = Array.isArray(raw) ? raw : [raw];
      list.forEach((t, order) => {
        const tc: TransitionConfig = typeof t === 'string' ? { target: t } : t;
        const targets =
          tc.target === undefined ? [] : Array.isArray(tc.target) ? tc.target : [tc.target];
        const { target: _t, meta, description, ...rest } = tc;
        const data: ActionData = {
          event,
          order,
          ...(meta ? { meta } : {}),
          ...(description !== undefined ? { description } : {}),
          extra: rest,
        };
        let target = source;
        if (targets.length === 0) data.targetless = true;
        else {
          const [first = '', ...more] = targets;
          const resolved = resolve(source, first);
          if (resolved) target = resolved;
          else data.unresolvedTarget = first;
          if (more.length) {
            data.alsoTargets = more.map((m) => resolve(source, m) ?? m);
          }
        }
        edges.push({ id: `e${++n}`, type: 'action', source, target, data });
      });
    }
  }

  const { id: mid, initial, states: _s, type: _type, ...rootExtra } = doc.machine;
  const meta: SopGraphMeta = {
    id: doc.id,
    version: doc.version,
    name: doc.name,
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    fields: doc.fields,
    ...(mid !== undefined ? { machineId: mid } : {}),
    initial,
    rootExtra,
  };
  return { graph: { meta, nodes: sortParentsFirst(nodes), edges }, needsLayout };
}

/** React Flow needs parents before their children in the nodes array. */
export function sortParentsFirst<T extends { id: string; parentId?: string }>(nodes: T[]): T[] {
  const byParent = new Map<string | undefined, T[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentId) ?? [];
    list.push(node);
    byParent.set(node.parentId, list);
  }
  const known = new Set(nodes.map((x) => x.id));
  const out: T[] = [];
  const visit = (parent: string | undefined) => {
    for (const node of byParent.get(parent) ?? []) {
      out.push(node);
      visit(node.id);
    }
  };
  visit(undefined);
  // orphans (parent missing) become top-level rather than vanish
  for (const [parent, list] of byParent) {
    if (parent !== undefined && !known.has(parent)) out.push(...list);
  }
  return out;
}

/**
 * The XState target string that reaches `target` from a transition declared on `source`:
 * `.child` below the source, a sibling path beside it, else `#id` (a custom id or
 * `machineId.path`, XState's default state id).
 */
export function targetString(
  source: string,
  target: string,
  machineId: string,
  customId?: (path: string) => string | undefined,
): string {
  if (target.startsWith(`${source}.`)) return `.${target.slice(source.length + 1)}`;
  const parent = parentPath(source);
  if (parent === undefined) return target;
  if (target.startsWith(`${parent}.`)) return target.slice(parent.length + 1);
  return `#${customId?.(target) ?? `${machineId}.${target}`}`;
}

/**
 * Converts the editor graph back into an SOP document; `layout` records every node's
 * position (relative to its parent).
 */
export function graphToSop(graph: SopGraph): SopDocument {
  const { meta } = graph;
  const machineId = meta.machineId ?? meta.id;
  const children = new Map<string | undefined, StageNode[]>();
  for (const node of graph.nodes) {
    const list = children.get(node.parentId) ?? [];
    list.push(node);
    children.set(node.parentId, list);
  }
  const bySource = new Map<string, ActionEdge[]>();
  for (const edge of graph.edges) {
    const list = bySource.get(edge.source) ?? [];
    list.push(edge);
    bySource.set(edge.source, list);
  }
  const layout: Record<string, { x: number; y: number }> = {};
  const custom = new Map<string, string>();
  for (const node of graph.nodes) {
    const cid = node.data.extra.id;
    if (typeof cid === 'string') custom.set(node.id, cid);
  }
  const customId = (path: string) => custom.get(path);

  const transitionsOf = (source: string): StateConfig['on'] | undefined => {
    const edges = bySource.get(source);
    if (!edges?.length) return undefined;
    const grouped = new Map<string, ActionEdge[]>();
    for (const e of edges) {
      if (!e.data) continue;
      const list = grouped.get(e.data.event) ?? [];
      list.push(e);
      grouped.set(e.data.event, list);
    }
    const on: NonNullable<StateConfig['on']> = {};
    for (const [event, list] of grouped) {
      const configs = [...list]
        .sort((a, b) => (a.data?.order ?? 0) - (b.data?.order ?? 0))
        .map((e) => toTransition(e, machineId, customId));
      const [only] = configs;
      on[event] = configs.length === 1 && only ? only : configs;
    }
    return on;
  };

  const build = (parent: string | undefined): Record<string, StateConfig> => {
    const states: Record<string, StateConfig> = {};
    for (const node of children.get(parent) ?? []) {
      const d = node.data;
      layout[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
      const state: StateConfig = { ...d.extra };
      if (d.kind === 'compound') {
        const kids = children.get(node.id) ?? [];
        const first = kids[0]?.data.key;
        const initial = d.initial && kids.some((k) => k.data.key === d.initial) ? d.initial : first;
        if (initial) state.initial = initial;
      } else if (d.kind !== 'stage') {
        state.type = d.kind;
      }
      if (d.kind === 'history') state.history = d.history;
      if (d.kind === 'compound' || d.kind === 'parallel') {
        state.states = build(node.id);
      }
      const on = transitionsOf(node.id);
      if (on) state.on = on;
      if (d.stage || Object.keys(d.metaExtra).length) {
        state.meta = { ...d.metaExtra, ...(d.stage ? { stage: d.stage } : {}) };
      }
      states[d.key] = state;
    }
    return states;
  };

  const states = build(undefined);
  const roots = children.get(undefined) ?? [];
  const initial = roots.some((r) => r.data.key === meta.initial)
    ? meta.initial
    : (roots[0]?.data.key ?? meta.initial);
  return {
    id: meta.id,
    version: meta.version,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    fields: meta.fields,
    machine: { ...meta.rootExtra, id: machineId, initial, states },
    layout,
    ...(meta.tags ? { tags: meta.tags } : {}),
  };
}

function toTransition(
  edge: ActionEdge,
  machineId: string,
  customId: (path: string) => string | undefined,
): TransitionConfig {
  const d = edge.data;
  const t: TransitionConfig = { ...(d?.extra ?? {}) };
  if (d?.unresolvedTarget !== undefined) t.target = d.unresolvedTarget;
  else if (!d?.targetless) {
    const first = targetString(edge.source, edge.target, machineId, customId);
    t.target = d?.alsoTargets?.length
      ? [first, ...d.alsoTargets.map((x) => targetString(edge.source, x, machineId, customId))]
      : first;
  }
  if (d?.meta) t.meta = d.meta;
  if (d?.description !== undefined) t.description = d.description;
  return t;
}

/** The stage's title in a language, falling back to the state key. */
