/**
 * The paths a hire must walk in practice: the simple paths from the start to a final stage
 * (the engine's enumeratePaths: at most TRAINING_PATHS, found with bounded work), each named
 * by a stable key, and the key of the path a finished practice run took.
 */
import {
  activeStages,
  type EngineEvent,
  enumeratePaths,
  type SopDocument,
  type SopPath,
} from '@closeloop/engine';

export type TrainingPath = {
  /** `ACTION>leaf+leaf|ACTION>leaf…`: the actions taken and the stages each led to. */
  key: string;
  steps: SopPath['steps'];
  final: string;
};

/** A hire practises at most this many paths of one SOP; larger SOPs list the first ones. */
export const TRAINING_PATHS = 100;

/** Paths per document object: published versions are immutable and cached by the SOP cache. */
const cache = new WeakMap<SopDocument, TrainingPath[]>();

function leaves(value: unknown): string[] {
  const all = activeStages(value);
  return all.filter((id) => !all.some((other) => other.startsWith(`${id}.`))).sort();
}

function stepKey(action: string, to: readonly string[]): string {
  return `${action}>${[...to].sort().join('+')}`;
}

/**
 * Every path from the start to a final stage, with its key.
 *
 * @example
 * const paths = trainingPaths(doc); // closed-loop: 21 paths
 */
export function trainingPaths(doc: SopDocument): TrainingPath[] {
  const hit = cache.get(doc);
  if (hit) return hit;
  const paths = enumeratePaths(doc, TRAINING_PATHS).map((p) => ({
    key: p.steps.map((s) => stepKey(s.action, s.to)).join('|'),
    steps: p.steps,
    final: p.final,
  }));
  cache.set(doc, paths);
  return paths;
}

/**
 * The key of the path a run took, from its events: the actions performed in order, with
 * loops cut out (a stage configuration seen before rewinds the walk to that point), the way
 * enumeratePaths counts only simple paths.
 */
export function walkedPathKey(events: readonly EngineEvent[]): string {
  const created = events.find((e) => e.type === 'record.created');
  const states: string[] = [
    JSON.stringify(created?.type === 'record.created' ? (created.data.value ?? null) : null),
  ];
  const steps: string[] = [];
  for (const e of events) {
    if (e.type !== 'action.performed') continue;
    const to = e.data.to;
    const seen = states.indexOf(JSON.stringify(to));
    if (seen >= 0) {
      states.length = seen + 1;
      steps.length = seen;
      continue;
    }
    states.push(JSON.stringify(to));
    steps.push(stepKey(e.data.action, leaves(to)));
  }
  return steps.join('|');
}
