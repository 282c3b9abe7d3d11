/**
 * Gates and rules: json-rules-engine condition sets over a record's facts, with the
 * operators of operators.ts and per-condition messages in zh-CN and en. The parts:
 * compile (gate-compile.ts), facts (gate-facts.ts), the walker that checks and traces
 * (gate-walk.ts), messages (gate-messages.ts) and validation (check-conditions.ts).
 */
export { checkConditions } from './check-conditions.ts';
export { isEmptyValue } from './empty.ts';
export { type CompiledConditions, compileConditions } from './gate-compile.ts';
export { type FactInput, isSystemFact, SYSTEM_FACTS } from './gate-facts.ts';
export { defaultMessage } from './gate-messages.ts';
export {
  type ConditionsTrace,
  type ConditionTrace,
  type Evaluation,
  evaluate,
  traceConditions,
} from './gate-walk.ts';
export {
  compilePattern,
  defineOperator,
  MAX_PATTERN_LENGTH,
  OPERATORS,
  type OperatorDef,
  operatorOf,
} from './operators.ts';
