/**
 * Paths through an SOP: every simple path (no stage configuration visited twice) from the
 * start to a final stage, with every gate assumed passable, as the simulator, the training
 * walkthrough, the library and the CLI show them.
 *
 * An SOP's paths can be exponential in its size (18 stages with two actions each: 262,144),
 * so nothing here enumerates to count. The reachable stage configurations form a graph, built
 * once per compiled document (bounded by PATH_LIMITS.configurations); `countPaths` counts by
 * dynamic programming wherever the graph below a configuration has no cycle, and by a search
 * capped at PATH_LIMITS.work steps where it has; `enumeratePaths` lists at most `limit` paths
 * within the same work cap. A document past SOP_LIMITS is not explored. Time and memory are
 * bounded whatever the document.
 */
import type { AnyMachineSnapshot } from 'xstate';
import {
  activeStages,
  type CompiledSop,
  candidateTransitions,
  compile,
  machineStart,
  machineTransition,
} from './compile.ts';
import { checkLimits } from './limits.ts';
import type { SopDocument } from './sop.ts';

/** Bounds on the work done for one document; see docs/security.md. */
export const PATH_LIMITS = {
  /** Stage configurations explored (parallel regions multiply them). */
  configurations: 500,
  /** Actions tried while exploring them (each one an XState transition, about 0.1–1 ms). */
  transitions: 1_000,
  /** Steps of path search for one count or listing where the graph has cycles. */
  work: 200_000,
  /** The largest count reported exactly; above it a count is "at least". */
  count: 1_000_000,
} as const;

type Edge = { action: string; to: number };
type Node = { value: unknown; done: boolean; out: Edge[] };

/** The graph of reachable stage configurations; node 0 is the start. */
export type PathGraph = {
  nodes: Node[];
  /** False when exploration stopped at PATH_LIMITS.configurations or .transitions. */
  complete: boolean;
  /** Per node: no cycle is reachable from it (so paths from it can be counted by DP). */
  acyclicBelow: boolean[];
};

export type PathCount = {
  /** Paths found, at most PATH_LIMITS.count; a lower bound when `exact` is false. */
  count: number;
  exact: boolean;
};

export type SopPath = {
  steps: Array<{ action: string; from: string[]; to: string[] }>;
  /** The final stage the path ends in. */
  final: string;
};

const graphs = new WeakMap<CompiledSop, PathGraph>();
const overLimits = new WeakMap<SopDocument, boolean>();

/** A document past SOP_LIMITS (never publishable) is not explored at all. */
function tooLarge(doc: SopDocument): boolean {
  let hit = overLimits.get(doc);
  if (hit === undefined) {
    hit = checkLimits(doc).length > 0;
    overLimits.set(doc, hit);
  }
  return hit;
}

/** Builds (once per compiled SOP) the graph of stage configurations reachable by actions. */
export function pathGraph(sop: CompiledSop): PathGraph {
  const hit = graphs.get(sop);
  if (hit) return hit;
  const first = machineStart(sop.machine);
  const snaps: AnyMachineSnapshot[] = [first];
  const nodes: Node[] = [{ value: first.value, done: first.status === 'done', out: [] }];
  const index = new Map<string, number>([[JSON.stringify(first.value), 0]]);
  let complete = true;
  let tried = 0;
  for (let i = 0; i < nodes.length && complete; i++) {
    const node = nodes[i];
    const snap = snaps[i];
    if (!node || !snap || node.done) continue;
    const events = new Set(candidateTransitions(sop, activeStages(snap.value)).map((t) => t.event));
    for (const type of events) {
      if (++tried > PATH_LIMITS.transitions) {
        complete = false;
        break;
      }
      const next = machineTransition(sop.machine, snap, { type, allGates: true });
      const key = JSON.stringify(next.value);
      let to = index.get(key);
      if (to === undefined) {
        if (nodes.length >= PATH_LIMITS.configurations) {
          complete = false;
          continue;
        }
        to = nodes.length;
        index.set(key, to);
        nodes.push({ value: next.value, done: next.status === 'done', out: [] });
        snaps.push(next);
      }
      if (to !== i) node.out.push({ action: type, to });
    }
  }
  const graph = { nodes, complete, acyclicBelow: acyclicBelow(nodes) };
  graphs.set(sop, graph);
  return graph;
}

/**
 * One depth-first pass: a node is clean when none of its successors was on the stack when
 * looked at (a cycle through it) and every successor is clean. A successor finished before
 * the node was entered cannot reach it, or the node would have been entered from there.
 */
function acyclicBelow(nodes: Node[]): boolean[] {
  const state = new Uint8Array(nodes.length); // 0 new, 1 on stack, 2 done
  const clean = new Array<boolean>(nodes.length).fill(true);
  for (let root = 0; root < nodes.length; root++) {
    if (state[root]) continue;
    const stack: Array<[number, number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const [n, i] = top;
      const edge = nodes[n]?.out[i];
      if (!edge) {
        state[n] = 2;
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent && !clean[n]) clean[parent[0]] = false;
        continue;
      }
      top[1] = i + 1;
      if (state[edge.to] === 1) clean[n] = false;
      else if (state[edge.to] === 2) {
        if (!clean[edge.to]) clean[n] = false;
      } else {
        state[edge.to] = 1;
        stack.push([edge.to, 0]);
      }
    }
  }
  return clean;
}

/** Paths from each clean node to a final configuration, saturating at PATH_LIMITS.count. */
function dagCounts(g: PathGraph): number[] {
  const memo = new Array<number>(g.nodes.length).fill(-1);
  const count = (start: number): number => {
    const stack = [start];
    while (stack.length) {
      const n = stack[stack.length - 1] ?? 0;
      if (memo[n] !== -1) {
        stack.pop();
        continue;
      }
      const node = g.nodes[n];
      const pending = node?.out.filter((e) => memo[e.to] === -1) ?? [];
      if (pending.length) {
        for (const e of pending) stack.push(e.to);
        continue;
      }
      let sum = node?.done ? 1 : 0;
      for (const e of node?.out ?? []) sum = Math.min(PATH_LIMITS.count, sum + (memo[e.to] ?? 0));
      memo[n] = sum;
      stack.pop();
    }
    return memo[start] ?? 0;
  };
  return g.nodes.map((_, i) => (g.acyclicBelow[i] ? count(i) : -1));
}

const counts = new WeakMap<CompiledSop, PathCount>();

/**
 * The number of simple paths from the start to a final stage, without listing them. Cached
 * per compiled document (compile caches per document object, so per published version).
 *
 * @example
 * countPaths(doc); // closed-loop: { count: 21, exact: true }
 */
export function countPaths(doc: SopDocument): PathCount {
  if (tooLarge(doc)) return { count: 0, exact: false };
  const sop = compile(doc);
  const hit = counts.get(sop);
  if (hit) return hit;
  const g = pathGraph(sop);
  const dag = dagCounts(g);
  let total = dag[0] ?? 0;
  let exact = g.complete;
  if (total < 0) {
    // a search over the part with cycles, adding the DP count wherever the rest is acyclic
    total = 0;
    const onPath = new Uint8Array(g.nodes.length);
    const stack: Array<[number, number]> = [[0, 0]];
    onPath[0] = 1;
    let work = 0;
    while (stack.length) {
      if (++work > PATH_LIMITS.work || total >= PATH_LIMITS.count) {
        exact = false;
        break;
      }
      const top = stack[stack.length - 1];
      if (!top) break;
      const [n, i] = top;
      const node = g.nodes[n];
      if (i === 0 && node?.done) total++;
      const edge = node?.out[i];
      if (!edge) {
        onPath[n] = 0;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      if (onPath[edge.to]) continue;
      const below = dag[edge.to] ?? -1;
      if (below >= 0) total += below;
      else {
        onPath[edge.to] = 1;
        stack.push([edge.to, 0]);
      }
    }
  }
  if (total >= PATH_LIMITS.count) exact = false;
  const out = { count: Math.min(total, PATH_LIMITS.count), exact };
  counts.set(sop, out);
  return out;
}

function leaves(sop: CompiledSop, value: unknown): string[] {
  return activeStages(value).filter((id) => (sop.stageById.get(id)?.children.length ?? 0) === 0);
}

/**
 * Simple paths from the start to a final stage, with every gate assumed passable: at most
 * `limit` (default 500), found within PATH_LIMITS.work search steps.
 */
export function enumeratePaths(doc: SopDocument, limit = 500): SopPath[] {
  if (tooLarge(doc)) return [];
  const sop = compile(doc);
  const g = pathGraph(sop);
  const dead = deadEnds(g);
  const out: SopPath[] = [];
  const onPath = new Uint8Array(g.nodes.length);
  const trail: Edge[] = [];
  const stack: Array<[number, number]> = [[0, 0]];
  onPath[0] = 1;
  let work = 0;
  while (stack.length && out.length < limit && work++ < PATH_LIMITS.work) {
    const top = stack[stack.length - 1];
    if (!top) break;
    const [n, i] = top;
    const node = g.nodes[n];
    if (i === 0 && node?.done) out.push(pathOf(sop, g, trail));
    const edge = node?.out[i];
    if (!edge) {
      onPath[n] = 0;
      stack.pop();
      trail.pop();
      continue;
    }
    top[1] = i + 1;
    if (onPath[edge.to] || dead[edge.to]) continue;
    onPath[edge.to] = 1;
    stack.push([edge.to, 0]);
    trail.push(edge);
  }
  return out;
}

/** Nodes from which no final configuration can be reached: never worth entering. */
function deadEnds(g: PathGraph): boolean[] {
  const into: number[][] = g.nodes.map(() => []);
  g.nodes.forEach((n, i) => {
    for (const e of n.out) into[e.to]?.push(i);
  });
  const live = new Uint8Array(g.nodes.length);
  const queue = g.nodes.flatMap((n, i) => (n.done ? [i] : []));
  for (const i of queue) live[i] = 1;
  while (queue.length) {
    const n = queue.pop() ?? 0;
    for (const p of into[n] ?? []) {
      if (!live[p]) {
        live[p] = 1;
        queue.push(p);
      }
    }
  }
  return g.nodes.map((_, i) => !live[i]);
}

function pathOf(sop: CompiledSop, g: PathGraph, trail: Edge[]): SopPath {
  let prev = g.nodes[0]?.value;
  const steps = trail.map((e) => {
    const value = g.nodes[e.to]?.value;
    const step = { action: e.action, from: leaves(sop, prev), to: leaves(sop, value) };
    prev = value;
    return step;
  });
  const finals = leaves(sop, prev);
  return { steps, final: finals.find((f) => sop.stageById.get(f)?.final) ?? finals[0] ?? '' };
}
