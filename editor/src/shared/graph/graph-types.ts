/** The graph the editor edits: its node and edge types, their sizes, and paths of nested states. */
import type { ActionMeta, FieldDef, LocalizedText, StageMeta } from '@closeloop/engine';
import type { Edge, Node } from '@xyflow/react';

export type Extra = Record<string, unknown>;

export type NodeBase = {
  /** The state key inside its parent (the last part of the id). */
  key: string;
  stage?: StageMeta;
  /** XState keys and `meta` keys the editor does not edit, kept verbatim. */
  extra: Extra;
  metaExtra: Extra;
};

export type AtomicStageData = NodeBase & { kind: 'stage' };
export type CompoundStageData = NodeBase & { kind: 'compound'; initial: string | undefined };
export type ParallelStageData = NodeBase & { kind: 'parallel' };
export type FinalStageData = NodeBase & { kind: 'final' };
export type HistoryStageData = NodeBase & { kind: 'history'; history: 'shallow' | 'deep' };

export type StageData =
  | AtomicStageData
  | CompoundStageData
  | ParallelStageData
  | FinalStageData
  | HistoryStageData;
export type StageKind = StageData['kind'];

export type AtomicStageNode = Node<AtomicStageData, 'stage'>;
export type CompoundStageNode = Node<CompoundStageData, 'compound'>;
export type ParallelStageNode = Node<ParallelStageData, 'parallel'>;
export type FinalStageNode = Node<FinalStageData, 'final'>;
export type HistoryStageNode = Node<HistoryStageData, 'history'>;
export type StageNode =
  | AtomicStageNode
  | CompoundStageNode
  | ParallelStageNode
  | FinalStageNode
  | HistoryStageNode;

export type ActionData = {
  event: string;
  /** Position among the transitions of the same event on the same state. */
  order: number;
  meta?: ActionMeta;
  description?: string;
  /** A transition with no target: the action is taken but the stage does not change. */
  targetless?: boolean;
  /** A target the converter could not resolve, kept verbatim (drawn as a broken self-loop). */
  unresolvedTarget?: string;
  /** Further targets of a multi-target transition (parallel regions), as node ids. */
  alsoTargets?: string[];
  extra: Extra;
  [k: string]: unknown;
};
export type ActionEdge = Edge<ActionData, 'action'>;

export type SopGraphMeta = {
  id: string;
  version: number;
  name: LocalizedText;
  description?: LocalizedText;
  tags?: string[];
  fields: FieldDef[];
  machineId?: string;
  /** Key of the root's initial state. */
  initial: string;
  /** Machine-level config the editor does not draw (root `on`, `context`, …). */
  rootExtra: Extra;
};

export type SopGraph = { meta: SopGraphMeta; nodes: StageNode[]; edges: ActionEdge[] };

/** Box sizes used by both the node components (CSS) and auto-layout. */
export const NODE_SIZE = {
  stage: { width: 200, height: 72 },
  final: { width: 168, height: 56 },
  history: { width: 56, height: 56 },
} as const;
export const GROUP_PADDING = { top: 44, side: 24, bottom: 24 } as const;

export function parentPath(path: string): string | undefined {
  const i = path.lastIndexOf('.');
  return i < 0 ? undefined : path.slice(0, i);
}

export function keyOf(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}
