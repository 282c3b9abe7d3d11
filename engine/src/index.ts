/**
 * @closeloop/engine — pure: SOP documents, compile, gates and rules, step, validate,
 * simulate. No I/O, no clock, no randomness: time, ids and rosters arrive as arguments.
 *
 * Entry points (package.json `exports`):
 * - `@closeloop/engine` (this file): everything the SOP editor, simulator and server need,
 *   including the 公海 pool's rules (zod and the calendar only);
 * - `@closeloop/engine/lite`: working time, Chinese phones and record labels with no
 *   dependency, for list and capture screens that should not load XState or RE2;
 * - `@closeloop/engine/customers`: customer match keys (phone, e-mail, company, pinyin,
 *   统一社会信用代码), which bring libphonenumber-js, opencc-js and pinyin-pro (~620 kB in a
 *   browser bundle) and so are kept out of this entry.
 */

export {
  type OwnerRuleTrace,
  type OwnerTrace,
  type Pick as AssigneePick,
  pickAssignee,
  readsOpenCounts,
  traceOwnerPolicy,
} from './assignment.ts';
export {
  addDuration,
  chinaCalendar,
  type DurationParts,
  durationMs,
  isWorkingDay,
  parseDuration,
  toInstant,
  workingMsBetween,
} from './calendar.ts';
export {
  activeStages,
  type CompiledSop,
  CompileError,
  candidateTransitions,
  compile,
  machineStart,
  machineTransition,
  type StageInfo,
  stages,
  type TransitionInfo,
} from './compile.ts';
export {
  type ConditionsTrace,
  type ConditionTrace,
  defaultMessage,
  type FactInput,
  isEmptyValue,
  isSystemFact,
  OPERATORS,
  type OperatorDef,
  operatorOf,
  SYSTEM_FACTS,
  traceConditions,
} from './conditions.ts';
export {
  type ClaimRefusal,
  checkClaim,
  DEFAULT_POOL_RULES,
  type MergeCandidate,
  PoolRules,
  pickSurvivor,
  protectedUntil,
  reclaimDueAt,
  reclaimWarningAt,
} from './customers/pool.ts';
export {
  ENGINE_EVENT_TYPES,
  EVENT_DATA,
  GateFailureSchema,
  isEngineEventType,
  RejectionCode,
  TimerSpecSchema,
} from './events.ts';
export { evolve, replay } from './evolve.ts';
export { recordFacts } from './facts.ts';
export { checkFields, isChinesePhone, normalizePhone, recordLabel } from './fields.ts';
export {
  canMapField,
  checkHandoffs,
  findHandoffs,
  type HandoffTargets,
  handoffFields,
  publishOrder,
  withoutHandoffs,
} from './handoff.ts';
export { checkLimits, SOP_LIMITS } from './limits.ts';
export { type OpenAction, openActions } from './open-actions.ts';
export { isReservedName, own } from './own.ts';
export {
  countPaths,
  enumeratePaths,
  PATH_LIMITS,
  type PathCount,
  type SopPath,
} from './paths.ts';
export {
  SIM_START,
  type SimCommand,
  type SimOptions,
  type SimStep,
  type Simulation,
  simRoster,
  simulate,
} from './simulate.ts';
export * from './sop.ts';
export { step } from './step.ts';
export * from './types.ts';
export { checkSop, validate } from './validate.ts';
export { exportXState, ImportError, importXState } from './xstate-io.ts';
