/**
 * compile(doc): the SOP document becomes an XState v5 machine plus indexes the engine
 * needs on every step (stages, transitions by source, compiled gates and owner rules).
 */
import {
  type ActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  createActor,
  setup,
} from 'xstate';
import { type CompiledOwnerPolicy, compileOwnerPolicy, readsOpenCounts } from './assignment.ts';
import { type CompiledConditions, compileConditions } from './conditions.ts';
import type {
  ActionMeta,
  FieldDef,
  MachineConfig,
  SopDocument,
  StageMeta,
  StateConfig,
  TransitionConfig,
} from './sop.ts';

export type StageInfo = {
  /** Dot path from the root, e.g. `followUp.call`. */
  id: string;
  key: string;
  parentId: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  depth: number;
  final: boolean;
  outcome: 'won' | 'lost' | 'done' | undefined;
  meta: StageMeta | undefined;
  children: string[];
};

export type TransitionInfo = {
  key: string;
  source: string;
  event: string;
  index: number;
  targets: string[];
  meta: ActionMeta | undefined;
  gate: CompiledConditions | undefined;
};

export type CompiledSop = {
  doc: SopDocument;
  machine: AnyStateMachine;
  fieldDefs: ReadonlyMap<string, FieldDef>;
  stages: StageInfo[];
  stageById: ReadonlyMap<string, StageInfo>;
  transitionsBySource: ReadonlyMap<string, TransitionInfo[]>;
  transitionByKey: ReadonlyMap<string, TransitionInfo>;
  owners: ReadonlyMap<string, CompiledOwnerPolicy>;
  /**
   * Whether any assignment the SOP can make (an owner policy, an escalation's `assign`) ranks
   * members by open-record counts. A caller that steps on a roster without counts decides
   * again with them when this is set and the decision assigned (see the server's command path).
   */
  needsOpenCounts: boolean;
};

/** XState features that SOPs express as data instead (gates, SLAs); stripped when compiling. */
export const UNSUPPORTED_STATE_KEYS = [
  'after',
  'always',
  'invoke',
  'entry',
  'exit',
  'context',
] as const;
export const UNSUPPORTED_TRANSITION_KEYS = ['actions', 'guard', 'cond'] as const;

export class CompileError extends Error {}

/** The event the compiled machine receives: gate results computed before the transition. */
export type GateEvent = {
  type: string;
  gates?: Record<string, boolean>;
  allGates?: boolean;
  taken?: string[];
};

export function transitionList(
  on: StateConfig['on'] | undefined,
): Array<[string, TransitionConfig[]]> {
  if (!on) return [];
  return Object.entries(on).map(([event, t]) => {
    const list = Array.isArray(t) ? t : [typeof t === 'string' ? { target: t } : t];
    return [event, list];
  });
}

export function transitionKey(source: string, event: string, index: number): string {
  return `${source}#${event}#${index}`;
}

function prepareState(cfg: StateConfig, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...cfg };
  for (const k of UNSUPPORTED_STATE_KEYS) delete out[k];
  if (cfg.states) {
    out.states = Object.fromEntries(
      Object.entries(cfg.states).map(([k, s]) => [k, prepareState(s, path ? `${path}.${k}` : k)]),
    );
  }
  const on: Record<string, unknown[]> = {};
  for (const [event, list] of transitionList(cfg.on)) {
    on[event] = list.map((t, i) => {
      const copy: Record<string, unknown> = { ...t };
      for (const k of UNSUPPORTED_TRANSITION_KEYS) delete copy[k];
      copy.guard = { type: 'gate', params: { key: transitionKey(path, event, i) } };
      return copy;
    });
  }
  if (cfg.on) out.on = on;
  return out;
}

const machineSetup = setup({
  types: { events: {} as GateEvent },
  guards: {
    gate: ({ event }, params: { key: string }) => {
      const ok = event.allGates === true || event.gates?.[params.key] === true;
      if (ok) event.taken?.push(params.key);
      return ok;
    },
  },
});

/** Builds the XState machine for an SOP's machine config (gates become guards). */
export function buildMachine(config: MachineConfig): AnyStateMachine {
  const root = prepareState(config as StateConfig, '');
  try {
    return machineSetup.createMachine({
      ...root,
      id: config.id ?? 'sop',
    } as never) as unknown as AnyStateMachine;
  } catch (e) {
    throw new CompileError(e instanceof Error ? e.message : String(e));
  }
}

function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

const cache = new WeakMap<SopDocument, CompiledSop>();

/**
 * Compiles an SOP document (already parsed) into a machine and indexes; cached per document
 * object. Throws CompileError when XState rejects the config; run validate() first for a
 * full report.
 */
export function compile(doc: SopDocument): CompiledSop {
  const hit = cache.get(doc);
  if (hit) return hit;
  const machine = buildMachine(doc.machine);
  const fieldDefs = new Map(doc.fields.map((f) => [f.key, f]));
  const stages: StageInfo[] = [];
  const transitionsBySource = new Map<string, TransitionInfo[]>();
  const transitionByKey = new Map<string, TransitionInfo>();
  const owners = new Map<string, CompiledOwnerPolicy>();

  const visit = (node: AnyStateNode, cfg: StateConfig | undefined, depth: number) => {
    const id = pathOf(node);
    const meta = cfg?.meta?.stage;
    if (id !== '') {
      stages.push({
        id,
        key: node.key,
        parentId: node.parent && node.parent.path.length > 0 ? pathOf(node.parent) : null,
        type: node.type,
        depth,
        final: node.type === 'final',
        outcome: meta?.outcome,
        meta,
        children: Object.values(node.states).map((c) => pathOf(c as AnyStateNode)),
      });
      if (meta?.owner) owners.set(id, compileOwnerPolicy(meta.owner));
    }
    const list: TransitionInfo[] = [];
    const defs = node.on as Record<string, Array<{ target?: readonly AnyStateNode[] }>>;
    for (const [event, configs] of transitionList(cfg?.on)) {
      configs.forEach((t, index) => {
        const key = transitionKey(id, event, index);
        const def = defs[event]?.[index];
        const info: TransitionInfo = {
          key,
          source: id,
          event,
          index,
          targets: (def?.target ?? []).map(pathOf),
          meta: t.meta,
          gate: t.meta?.gate ? compileConditions(t.meta.gate) : undefined,
        };
        list.push(info);
        transitionByKey.set(key, info);
      });
    }
    transitionsBySource.set(id, list);
    for (const [k, child] of Object.entries(node.states)) {
      visit(child as AnyStateNode, cfg?.states?.[k], depth + 1);
    }
  };
  visit(machine.root, doc.machine as StateConfig, 0);

  const compiled: CompiledSop = {
    doc,
    machine,
    fieldDefs,
    stages,
    stageById: new Map(stages.map((s) => [s.id, s])),
    transitionsBySource,
    transitionByKey,
    owners,
    needsOpenCounts:
      [...owners.values()].some((o) => o.needsOpenCounts) ||
      stages.some((s) =>
        (s.meta?.sla?.escalations ?? []).some((r) => r.assign && readsOpenCounts(r.assign)),
      ),
  };
  cache.set(doc, compiled);
  return compiled;
}

const snapshots = new WeakMap<AnyStateMachine, Map<string, AnyMachineSnapshot>>();

/**
 * The machine snapshot for a stored state value. Snapshots are immutable and a record's
 * value is one of few configurations, so they are cached per machine.
 */
export function snapshotOf(sop: CompiledSop, value: unknown): AnyMachineSnapshot {
  let cache = snapshots.get(sop.machine);
  if (!cache) {
    cache = new Map();
    snapshots.set(sop.machine, cache);
  }
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  let snap = cache.get(key);
  if (!snap) {
    snap = sop.machine.resolveState({ value: value as never, context: {} });
    if (cache.size > 1000) cache.clear();
    cache.set(key, snap);
  }
  return snap;
}

const scopes = new WeakMap<AnyStateMachine, ActorScope<AnyMachineSnapshot, GateEvent>>();

/**
 * An inert actor scope kept per machine. XState's `transition()` builds one on every call,
 * which means creating an actor and computing the machine's initial snapshot each time; a
 * compiled SOP machine has no actions, delays, invocations or children (stripped above), so
 * the scope holds no state between calls and one per machine serves every step.
 */
function scopeOf(machine: AnyStateMachine): ActorScope<AnyMachineSnapshot, GateEvent> {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: () => {},
    } as unknown as ActorScope<AnyMachineSnapshot, GateEvent>;
    scopes.set(machine, scope);
  }
  return scope;
}

/** The machine's first snapshot: XState's `initialTransition` without rebuilding a scope. */
export function machineStart(machine: AnyStateMachine): AnyMachineSnapshot {
  return machine.getInitialSnapshot(scopeOf(machine) as never);
}

/** The next snapshot: XState's pure `transition` (actions are never run) on a kept scope. */
export function machineTransition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: GateEvent,
): AnyMachineSnapshot {
  return machine.transition(snapshot, event as never, scopeOf(machine) as never);
}

/** Every active state id (leaves and their ancestors) of a snapshot value, parents first. */
export function activeStages(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push(prefix + k);
    out.push(...activeStages(v, `${prefix}${k}.`));
  }
  return out;
}

/** The stages of a compiled SOP, in document order. */
export function stages(sop: CompiledSop): StageInfo[] {
  return sop.stages;
}

/** Transitions open from the active stages: deepest stages first, as XState chooses. */
export function candidateTransitions(
  sop: CompiledSop,
  active: string[],
  event?: string,
): TransitionInfo[] {
  const ordered = [...active].sort((a, b) => b.split('.').length - a.split('.').length);
  const out: TransitionInfo[] = [];
  for (const s of [...ordered, '']) {
    for (const t of sop.transitionsBySource.get(s) ?? []) {
      if (event === undefined || t.event === event) out.push(t);
    }
  }
  return out;
}
