/**
 * One walker over a compiled condition set, for both checking (`evaluate`: passed and the
 * failures) and tracing (`traceConditions`: every node's verdict, for the simulator). Each
 * leaf is evaluated by json-rules-engine (its Condition, Almanac and operators); the
 * all/any/not combination is walked here, so a failed set can list each failing leaf (for
 * `any`, every alternative) and a run skips Engine.run's per-run clone of the rule.
 */
import { Almanac } from 'json-rules-engine';
import type { CompiledConditions, JreCondition } from './gate-compile.ts';
import { buildFacts, type FactInput, factValue } from './gate-facts.ts';
import { defaultMessage, failureOf } from './gate-messages.ts';
import { OPERATOR_MAP } from './operators.ts';
import type { Condition, FieldDef, LeafCondition, LocalizedText } from './sop.ts';
import type { GateFailure } from './types.ts';

/** What json-rules-engine made of one leaf. */
type LeafRun = {
  passed: boolean;
  /** The value it compared (after `path`, or the derived fact). */
  lhs?: unknown;
  /** The right-hand side it compared against, when it resolved one. */
  rhs?: { value: unknown };
  /** The operator refused its input (a wrong type): the leaf fails. */
  error?: string;
};

type Visitor<T> = {
  leaf(src: LeafCondition, path: string, run: LeafRun): T;
  group(kind: 'all' | 'any', src: Condition, path: string, children: T[]): T;
  not(src: Extract<Condition, { not: Condition }>, path: string, child: T): T;
};

/** A value now, or later when some leaf needed json-rules-engine's asynchronous almanac. */
type Maybe<T> = T | Promise<T>;

const isPromise = <T>(x: Maybe<T>): x is Promise<T> => x instanceof Promise;

function then<A, B>(x: Maybe<A>, f: (a: A) => B): Maybe<B> {
  return isPromise(x) ? x.then(f) : f(x);
}

function allOf<T>(xs: Maybe<T>[]): Maybe<T[]> {
  return xs.some(isPromise) ? Promise.all(xs) : (xs as T[]);
}

/**
 * How the leaves of one run are evaluated. A leaf that reads one fact by name (no `path`,
 * no `params`) against a literal or another fact by name runs synchronously through the same
 * json-rules-engine Operator (its fact-value validator and callback) that `Condition.evaluate`
 * would call, on the same values its almanac would hand it; any other leaf goes through
 * `Condition.evaluate` with a real Almanac, built the first time one is needed.
 */
type LeafRunner = (node: JreCondition) => Maybe<LeafRun>;

type OperatorLike = { evaluate(lhs: unknown, rhs: unknown): boolean };
const operators = OPERATOR_MAP as { get(name: string): OperatorLike | undefined };

function leafRunner(compiled: CompiledConditions, input: FactInput): LeafRunner {
  const facts = buildFacts(input, compiled.facts, compiled.derived);
  let almanac: Almanac | undefined;
  const slow = (node: JreCondition): Promise<LeafRun> => {
    if (!almanac) {
      almanac = new Almanac({ allowUndefinedFacts: true });
      for (const [k, v] of facts) almanac.addRuntimeFact(k, v);
    }
    return node.evaluate(almanac, OPERATOR_MAP).then(
      (r) => ({
        passed: r.result === true,
        lhs: r.leftHandSideValue,
        ...('rightHandSideValue' in r ? { rhs: { value: r.rightHandSideValue } } : {}),
      }),
      (e: unknown) => ({ passed: false, error: e instanceof Error ? e.message : String(e) }),
    );
  };
  return (node) => {
    const leaf = node as JreCondition & JreLeaf;
    const op = typeof leaf.operator === 'string' ? operators.get(leaf.operator) : undefined;
    const ref = plainFactRef(leaf.value);
    if (!op || leaf.path || leaf.params !== undefined || ref === false) return slow(node);
    const lhs = facts.get(leaf.fact);
    const rhs = ref === null ? leaf.value : facts.get(ref);
    try {
      return { passed: op.evaluate(lhs, rhs) === true, lhs, rhs: { value: rhs } };
    } catch (e) {
      return { passed: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
}

/** The leaf fields json-rules-engine's Condition keeps from the compiled form. */
type JreLeaf = { fact: string; operator: unknown; value: unknown; path?: string; params?: unknown };

/**
 * A value naming another fact: its name when it is `{ fact }` and nothing else (the almanac
 * would look up exactly that fact), `false` when it also has a path or params, `null` when
 * the value is a literal.
 */
function plainFactRef(v: unknown): string | null | false {
  if (!v || typeof v !== 'object' || !Object.hasOwn(v, 'fact')) return null;
  const keys = Object.keys(v);
  const name = (v as { fact: unknown }).fact;
  return keys.length === 1 && typeof name === 'string' ? name : false;
}

function walkGate<T>(
  node: JreCondition,
  src: Condition,
  path: string,
  run: LeafRunner,
  visit: Visitor<T>,
): Maybe<T> {
  const group = (kind: 'all' | 'any', nodes: JreCondition[], srcs: Condition[]) =>
    then(
      allOf(
        nodes.map((n, i) => walkGate(n, srcs[i] as Condition, `${path}.${kind}[${i}]`, run, visit)),
      ),
      (children) => visit.group(kind, src, path, children),
    );
  if ('all' in src && node.all) return group('all', node.all, src.all);
  if ('any' in src && node.any) return group('any', node.any, src.any);
  if ('not' in src && node.not)
    return then(walkGate(node.not, src.not, `${path}.not`, run, visit), (child) =>
      visit.not(src, path, child),
    );
  return then(run(node), (r) => visit.leaf(src as LeafCondition, path, r));
}

export type Evaluation = { passed: boolean; failures: GateFailure[] };

function checking(fieldDefs: ReadonlyMap<string, FieldDef>): Visitor<Evaluation> {
  return {
    leaf: (src, path, run) =>
      run.passed
        ? { passed: true, failures: [] }
        : { passed: false, failures: [failureOf(src, path, src.message, fieldDefs, false)] },
    group: (kind, src, path, parts) => {
      const passed = kind === 'all' ? parts.every((p) => p.passed) : parts.some((p) => p.passed);
      if (passed) return { passed, failures: [] };
      if (src.message)
        return { passed, failures: [failureOf(src, path, src.message, fieldDefs, false)] };
      return { passed, failures: parts.flatMap((p) => p.failures) };
    },
    not: (src, path, inner) =>
      inner.passed
        ? { passed: false, failures: [failureOf(src.not, path, src.message, fieldDefs, true)] }
        : { passed: true, failures: [] },
  };
}

/**
 * Runs compiled conditions against a record's facts: whether they pass and, if not, each
 * failing condition with its path, message and the fields that would satisfy it.
 */
export async function evaluate(
  compiled: CompiledConditions,
  input: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<Evaluation> {
  return walkGate(
    compiled.root,
    compiled.source,
    '',
    leafRunner(compiled, input),
    checking(fieldDefs),
  );
}

/** One node of a condition set's trace: a group with its children, or a leaf with its values. */
export type ConditionTrace =
  | {
      kind: 'all' | 'any';
      /** Path inside the set, as in `GateFailure.path` (`(gate)` for the root). */
      path: string;
      passed: boolean;
      message?: LocalizedText;
      children: ConditionTrace[];
    }
  | { kind: 'not'; path: string; passed: boolean; message?: LocalizedText; child: ConditionTrace }
  | {
      kind: 'leaf';
      path: string;
      passed: boolean;
      fact: string;
      operator: string;
      /** The value as the author wrote it (may be a fact reference `{ fact }`). */
      value: unknown;
      /** The value compared against: `value`, or the referenced fact's value. */
      expected: unknown;
      /** The fact's value on the record (a field, or a system fact such as `$checklist`). */
      actual: unknown;
      /**
       * What json-rules-engine compared when it differs from `actual`: hours or working days
       * for withinHours / withinWorkingDays, a boolean for changedSinceEntry, or the value a
       * `path` picked out of the fact.
       */
      compared?: unknown;
      message: LocalizedText;
      /** The operator refused its input (a wrong type): the condition fails. */
      error?: string;
    };

export type ConditionsTrace = { passed: boolean; root: ConditionTrace };

const at = (path: string) => path.replace(/^\./, '') || '(gate)';

function tracing(
  input: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Visitor<ConditionTrace> {
  return {
    leaf: (leaf, path, run) => {
      const actual = factValue(input, leaf.fact) ?? null;
      const compared = run.error ? undefined : run.lhs;
      const differs =
        compared !== undefined && JSON.stringify(compared) !== JSON.stringify(actual ?? null);
      return {
        kind: 'leaf',
        path: at(path),
        passed: run.passed,
        fact: leaf.fact,
        operator: leaf.operator,
        value: leaf.value,
        expected: run.rhs ? run.rhs.value : leaf.value,
        actual,
        ...(differs ? { compared } : {}),
        message: leaf.message ?? defaultMessage(leaf, fieldDefs),
        ...(run.error ? { error: run.error } : {}),
      };
    },
    group: (kind, src, path, children) => {
      const passed =
        kind === 'all' ? children.every((c) => c.passed) : children.some((c) => c.passed);
      return {
        kind,
        path: at(path),
        passed,
        children,
        ...(src.message ? { message: src.message } : {}),
      };
    },
    not: (src, path, child) => ({
      kind: 'not',
      path: at(path),
      passed: !child.passed,
      child,
      ...(src.message ? { message: src.message } : {}),
    }),
  };
}

/**
 * Evaluates compiled conditions like `evaluate` and returns every node's verdict: each leaf
 * with its fact, operator, expected value, the record's actual value and pass/fail, each
 * all/any/not group with its result. The same walker and leaf runs as `evaluate`, so
 * `traceConditions(...).passed === (await evaluate(...)).passed` always.
 * For the editor's simulator and for explaining a rejection; slower than `evaluate`.
 *
 * @example
 * const t = await traceConditions(compileConditions(gate), facts, sop.fieldDefs);
 * // t.root: { kind: 'all', passed: false, children: [{ kind: 'leaf', fact: 'phone',
 * //   operator: 'isNotEmpty', expected: true, actual: null, passed: false, … }] }
 */
export async function traceConditions(
  compiled: CompiledConditions,
  input: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<ConditionsTrace> {
  const root = await walkGate(
    compiled.root,
    compiled.source,
    '',
    leafRunner(compiled, input),
    tracing(input, fieldDefs),
  );
  return { passed: root.passed, root };
}
