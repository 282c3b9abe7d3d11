/** The record as the API shows it: the engine's RecordState plus what lists and pages need. */
import type { RecordState } from '@closeloop/engine';
import { activeStageIds, leafStageIds } from './record-store.ts';

export type RecordView = RecordState & {
  /** Every active stage, ancestors first. */
  activeStages: string[];
  /** Active leaf stages: where the work is. */
  currentStages: string[];
  overdue: boolean;
};

export function recordView(state: RecordState, now: number): RecordView {
  return {
    ...state,
    activeStages: activeStageIds(state.value),
    currentStages: leafStageIds(state.value),
    overdue: state.status === 'open' && state.dueAt !== null && state.dueAt <= now,
  };
}
