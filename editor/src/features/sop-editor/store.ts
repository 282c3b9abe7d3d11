/**
 * The editor's store: state (the graph being edited plus UI state the canvas needs) and
 * actions (the only way to change it), read through `useEditor(selector)`.
 *
 * Kept dependency-free on purpose: a ~30-line external store over useSyncExternalStore
 * does what zustand would, and React Flow's own zustand instance stays private to it.
 */
import type { LocalizedText, Problem, SopDocument } from '@closeloop/engine';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { createContext, useContext, useRef, useSyncExternalStore } from 'react';
import type { EdgeRoute } from '../../shared/graph/layout.ts';
import { freeSpot, numberedTitle } from '../../shared/graph/placement.ts';
import {
  type ActionData,
  type ActionEdge,
  blankStageData,
  descendantsOf,
  fitGroups,
  freshKey,
  GROUP_PADDING,
  graphToSop,
  keyOf,
  locateProblem,
  NODE_SIZE,
  parentPath,
  type SopGraph,
  type SopGraphMeta,
  type StageData,
  type StageKind,
  type StageNode,
  sizeOf,
  sopToGraph,
  sortParentsFirst,
  withData,
} from '../../shared/graph/sop-graph.ts';
import { en } from '../../shared/i18n/en.ts';
import { zhCN } from '../../shared/i18n/zh-CN.ts';

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

type Snapshot = { meta: SopGraphMeta; nodes: StageNode[]; edges: ActionEdge[] };

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

function strip(nodes: StageNode[]): StageNode[] {
  return nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
}

/** Creates one editor's store around a document. */
export function createEditorStore(sopId: string, doc: SopDocument) {
  const { graph, needsLayout } = sopToGraph(doc);
  let state: EditorState = {
    sopId,
    meta: graph.meta,
    nodes: fitGroups(graph.nodes),
    edges: graph.edges,
    past: [],
    future: [],
    revision: 0,
    problems: [],
    problemIndex: { nodes: {}, edges: {} },
    recordCounts: {},
    highlighted: [],
    clipboard: null,
  };
  const listeners = new Set<Listener>();
  let lastTag = '';
  let lastTagAt = 0;
  let edgeSeq = graph.edges.length;

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

  const actions = {
    /** React Flow's changes: selection and measuring pass through; drags commit on release. */
    onNodesChange(changes: NodeChange<StageNode>[]) {
      const relevant = changes.filter((c) => c.type !== 'remove' && c.type !== 'add');
      if (!relevant.length) return;
      const nodes = applyNodeChanges(relevant, state.nodes);
      const dragEnded = relevant.some((c) => c.type === 'position' && c.dragging === false);
      if (dragEnded) commit({ nodes: fitGroups(nodes) });
      else set({ nodes });
    },
    onEdgesChange(changes: EdgeChange<ActionEdge>[]) {
      const relevant = changes.filter((c) => c.type === 'select');
      if (relevant.length) set({ edges: applyEdgeChanges(relevant, state.edges) });
    },
    beginDrag() {
      remember();
    },
    /** Moves a dropped node into (or out of) a group; its id follows its new path. */
    reparent(id: string, newParent: string | undefined, absolute: { x: number; y: number }) {
      const node = state.nodes.find((n) => n.id === id);
      if (!node || node.parentId === newParent) return;
      if (newParent && (newParent === id || newParent.startsWith(`${id}.`))) return;
      const parent = newParent ? state.nodes.find((n) => n.id === newParent) : undefined;
      const origin = parent ? absolutePosition(state.nodes, parent.id) : { x: 0, y: 0 };
      const key = freshKey(
        state.nodes.filter((n) => n.id !== id),
        newParent,
        node.data.key,
      );
      const newId = newParent ? `${newParent}.${key}` : key;
      const moved = renameIds(state, id, newId);
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
      const target = state.nodes.find((n) => n.id === c.target);
      const base = `TO_${(target ? keyOf(target.id) : 'NEXT').toUpperCase()}`;
      const taken = new Set(
        state.edges.filter((e) => e.source === c.source).map((e) => e.data?.event),
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
        edges: [...state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), edge],
        nodes: strip(state.nodes),
      });
    },
    /**
     * Adds a stage near `position` (else beside its siblings) but never on top of one, titled
     * in both languages ("新阶段" / "New stage", numbered when taken).
     */
    addStage(kind: StageKind, parentId?: string, position?: { x: number; y: number }) {
      remember();
      const parent = parentId ? state.nodes.find((n) => n.id === parentId) : undefined;
      const pid =
        parent && (parent.type === 'compound' || parent.type === 'parallel')
          ? parent.id
          : undefined;
      const key = freshKey(state.nodes, pid, KEY_BASE[kind]);
      const id = pid ? `${pid}.${key}` : key;
      const siblings = state.nodes.filter((n) => n.parentId === pid);
      const preferred = position ?? {
        x: siblings.reduce((m, n) => Math.max(m, n.position.x), -260) + 260,
        y: siblings.length ? (siblings[0]?.position.y ?? 0) : pid ? GROUP_PADDING.top : 0,
      };
      const boxes = siblings.map((n) => ({ ...n.position, ...sizeOf(n) }));
      const at = freeSpot(boxes, preferred, NEW_SIZE[kind]);
      const titles = state.nodes.map((n) => n.data.stage?.title);
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
      let nodes = [...strip(state.nodes), node];
      if (kind === 'compound' || kind === 'parallel') {
        // a group starts with one child so it is a valid statechart at once
        const childKind: StageKind = kind === 'parallel' ? 'compound' : 'stage';
        const childKey = kind === 'parallel' ? 'region' : 'step';
        const child = withData(
          { id: `${id}.${childKey}`, parentId: id, position: { x: 24, y: 44 } },
          named(childKind, childKey, kind === 'parallel' ? newName('region') : newName('stage')),
        );
        nodes.push(child);
        if (childKind === 'compound') {
          nodes.push(
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
      nodes = fitGroups(sortParentsFirst(nodes));
      commit({
        nodes,
        edges: state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
      });
      return id;
    },
    updateStage(id: string, update: (d: StageData) => StageData, tag = `stage:${id}`) {
      remember(tag);
      commit({
        nodes: state.nodes.map((n) => (n.id === id ? withData(n, update(n.data)) : n)),
      });
    },
    /** Changes a state's key; descendants, edges and initial markers follow. */
    renameStage(id: string, key: string) {
      const parent = parentPath(id);
      const newId = parent ? `${parent}.${key}` : key;
      if (newId === id || state.nodes.some((n) => n.id === newId)) return false;
      remember();
      const moved = renameIds(state, id, newId);
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
        commit({ meta: { ...state.meta, initial: key } });
        return;
      }
      commit({
        nodes: state.nodes.map((n) =>
          n.id === parent && n.data.kind === 'compound'
            ? withData(n, { ...n.data, initial: key })
            : n,
        ),
      });
    },
    /** Changes a stage's kind (stage ↔ final, stage → compound …) keeping its content. */
    setKind(id: string, kind: StageKind) {
      const node = state.nodes.find((n) => n.id === id);
      if (!node || node.data.kind === kind) return;
      const hasChildren = state.nodes.some((n) => n.parentId === id);
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
      commit({ nodes: fitGroups(state.nodes.map((n) => (n.id === id ? withData(n, data) : n))) });
    },
    updateAction(edgeId: string, update: (d: ActionData) => ActionData, tag = `action:${edgeId}`) {
      remember(tag);
      commit({
        edges: state.edges.map((e) =>
          e.id === edgeId && e.data ? { ...e, data: update(e.data) } : e,
        ),
      });
    },
    retarget(edgeId: string, target: string) {
      remember();
      commit({
        edges: state.edges.map((e) => {
          if (e.id !== edgeId || !e.data) return e;
          const { targetless: _t, unresolvedTarget: _u, ...data } = e.data;
          return { ...e, target, data };
        }),
      });
    },
    setMeta(update: (m: SopGraphMeta) => SopGraphMeta, tag = 'meta') {
      remember(tag);
      commit({ meta: update(state.meta) });
    },
    /** Deletes nodes (with their descendants) and edges, and every edge touching them. */
    deleteElements(nodeIds: string[], edgeIds: string[]) {
      if (!nodeIds.length && !edgeIds.length) return;
      remember();
      const gone = new Set<string>();
      for (const id of nodeIds) {
        gone.add(id);
        for (const d of descendantsOf(state.nodes, id)) gone.add(d.id);
      }
      const edgesGone = new Set(edgeIds);
      commit({
        nodes: fitGroups(state.nodes.filter((n) => !gone.has(n.id))),
        edges: state.edges.filter(
          (e) => !edgesGone.has(e.id) && !gone.has(e.source) && !gone.has(e.target),
        ),
      });
    },
    copy() {
      const picked = state.nodes.filter((n) => n.selected);
      const ids = new Set<string>();
      for (const n of picked) {
        ids.add(n.id);
        for (const d of descendantsOf(state.nodes, n.id)) ids.add(d.id);
      }
      const nodes = state.nodes.filter((n) => ids.has(n.id));
      const edges = state.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
      set({ clipboard: nodes.length ? { nodes, edges } : null });
      return nodes.length;
    },
    paste() {
      const clip = state.clipboard;
      if (!clip) return;
      remember();
      const copied = new Set(clip.nodes.map((n) => n.id));
      const tops = clip.nodes.filter((n) => !n.parentId || !copied.has(n.parentId));
      const rename = new Map<string, string>();
      let current = strip(state.nodes);
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
      commit({ nodes: fitGroups(sortParentsFirst(current)), edges: [...state.edges, ...edges] });
    },
    undo() {
      const prev = state.past.at(-1);
      if (!prev) return;
      lastTag = '';
      set({
        past: state.past.slice(0, -1),
        future: [snapshot(), ...state.future],
        ...prev,
        revision: state.revision + 1,
      });
    },
    redo() {
      const [next, ...rest] = state.future;
      if (!next) return;
      lastTag = '';
      set({
        past: [...state.past, snapshot()],
        future: rest,
        ...next,
        revision: state.revision + 1,
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
        edges: state.edges.map((e) => {
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
    select(ids: { nodes?: string[]; edges?: string[] }) {
      const ns = new Set(ids.nodes ?? []);
      const es = new Set(ids.edges ?? []);
      set({
        nodes: state.nodes.map((n) =>
          !!n.selected === ns.has(n.id) ? n : { ...n, selected: ns.has(n.id) },
        ),
        edges: state.edges.map((e) =>
          !!e.selected === es.has(e.id) ? e : { ...e, selected: es.has(e.id) },
        ),
      });
    },
    setProblems(problems: Problem[]) {
      const index: EditorState['problemIndex'] = { nodes: {}, edges: {} };
      for (const p of problems) {
        const at = locateProblem(state, p);
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
      set({ meta: { ...state.meta, version } });
    },
  };

  return {
    /** The loaded document had stages without saved positions. */
    needsLayout,
    getState: () => state,
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    actions,
    /** The document as it stands now. */
    toDocument: (): SopDocument =>
      graphToSop({ meta: state.meta, nodes: state.nodes, edges: state.edges }),
  };
}

export type EditorStore = ReturnType<typeof createEditorStore>;
export type EditorActions = EditorStore['actions'];

function absolutePosition(nodes: readonly StageNode[], id: string): { x: number; y: number } {
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

export { absolutePosition };

function renameIds(
  s: Pick<EditorState, 'nodes' | 'edges' | 'meta'>,
  from: string,
  to: string,
): Pick<EditorState, 'nodes' | 'edges' | 'meta'> {
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
export function initialIds(s: Pick<EditorState, 'nodes' | 'meta'>): Set<string> {
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

export const EditorStoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore outside <EditorStoreContext>');
  return store;
}

/**
 * Reads a slice of the editor state; re-renders only when the selected value changes
 * (by `Object.is`, or `equal` when given).
 */
export function useEditor<T>(
  selector: (s: EditorState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
): T {
  const store = useEditorStore();
  const cache = useRef<{ state: EditorState; selector: unknown; value: T } | null>(null);
  const get = () => {
    const s = store.getState();
    const c = cache.current;
    if (c && c.state === s && c.selector === selector) return c.value;
    const value = selector(s);
    if (c && equal(c.value, value)) {
      cache.current = { state: s, selector, value: c.value };
      return c.value;
    }
    cache.current = { state: s, selector, value };
    return value;
  };
  return useSyncExternalStore(store.subscribe, get, get);
}

export function useEditorActions(): EditorActions {
  return useEditorStore().actions;
}

/** Shallow equality for arrays and plain objects, for selectors that build them. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}
