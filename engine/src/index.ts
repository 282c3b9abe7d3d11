/**
 * @closeloop/engine — pure: SOP documents, compile, gates and rules, step, validate,
 * simulate. No I/O, no clock, no randomness: time, ids and rosters arrive as arguments.
 */

export { pickAssignee } from './assignment.ts';
export {
  addDuration,
  chinaCalendar,
  durationMs,
  isWorkingDay,
  parseDuration,
  workingMsBetween,
} from './calendar.ts';
export {
  activeStages,
  type CompiledSop,
  CompileError,
  compile,
  type StageInfo,
  stages,
  type TransitionInfo,
} from './compile.ts';
export { defaultMessage, isEmptyValue, OPERATORS, SYSTEM_FACTS } from './conditions.ts';
export { evolve, replay } from './evolve.ts';
export { checkFields, isChinesePhone, normalizePhone } from './fields.ts';
export { type OpenAction, openActions } from './open-actions.ts';
export {
  enumeratePaths,
  SIM_START,
  type SimCommand,
  type SimOptions,
  type SimStep,
  type Simulation,
  type SopPath,
  simRoster,
  simulate,
} from './simulate.ts';
export * from './sop.ts';
export { step } from './step.ts';
export * from './types.ts';
export { checkSop, validate } from './validate.ts';
export { exportXState, ImportError, importXState } from './xstate-io.ts';
