/**
 * Gates and rules: json-rules-engine condition sets over a record's facts, with the
 * custom operators SOP authors need and per-condition messages in zh-CN and en.
 *
 * Operators that depend on the time or the stage (withinHours, withinWorkingDays,
 * changedSinceEntry) are rewritten at compile time into comparisons on derived facts
 * computed before the run, so json-rules-engine itself stays pure and the engine reads
 * no clock.
 */
import { Almanac, Engine, type TopLevelCondition as JreTop, Rule } from 'json-rules-engine';
import { RE2JS } from 're2js';
import { toInstant, workingMsBetween } from './calendar.ts';
import type {
  Condition,
  FieldDef,
  LeafCondition,
  LocalizedText,
  Problem,
  TopLevelCondition,
} from './sop.ts';
import { MAX_CONDITION_DEPTH } from './sop.ts';
import type { Calendar, Fields, GateFailure } from './types.ts';

// ---------------------------------------------------------------- operators

type OperatorInfo = {
  label: LocalizedText;
  valueKind: 'none' | 'bool' | 'number' | 'list' | 'pattern' | 'any';
};

/** Operators available to gates and rules, with labels for the editor's condition builder. */
export const OPERATORS: Record<string, OperatorInfo> = {
  equal: { label: { 'zh-CN': '等于', en: 'equals' }, valueKind: 'any' },
  notEqual: { label: { 'zh-CN': '不等于', en: 'does not equal' }, valueKind: 'any' },
  lessThan: { label: { 'zh-CN': '小于', en: 'less than' }, valueKind: 'number' },
  lessThanInclusive: { label: { 'zh-CN': '小于等于', en: 'at most' }, valueKind: 'number' },
  greaterThan: { label: { 'zh-CN': '大于', en: 'greater than' }, valueKind: 'number' },
  greaterThanInclusive: { label: { 'zh-CN': '大于等于', en: 'at least' }, valueKind: 'number' },
  in: { label: { 'zh-CN': '属于', en: 'is one of' }, valueKind: 'list' },
  notIn: { label: { 'zh-CN': '不属于', en: 'is not one of' }, valueKind: 'list' },
  contains: { label: { 'zh-CN': '包含', en: 'contains' }, valueKind: 'any' },
  doesNotContain: { label: { 'zh-CN': '不包含', en: 'does not contain' }, valueKind: 'any' },
  isEmpty: { label: { 'zh-CN': '为空', en: 'is empty' }, valueKind: 'bool' },
  isNotEmpty: { label: { 'zh-CN': '不为空', en: 'is not empty' }, valueKind: 'bool' },
  withinHours: { label: { 'zh-CN': '在 N 小时内', en: 'within N hours' }, valueKind: 'number' },
  withinWorkingDays: {
    label: { 'zh-CN': '在 N 个工作日内', en: 'within N working days' },
    valueKind: 'number',
  },
  matchesPattern: { label: { 'zh-CN': '匹配格式', en: 'matches pattern' }, valueKind: 'pattern' },
  inList: { label: { 'zh-CN': '在列表中', en: 'in list' }, valueKind: 'list' },
  changedSinceEntry: {
    label: { 'zh-CN': '进入阶段后已修改', en: 'changed since stage entry' },
    valueKind: 'bool',
  },
  checklistComplete: {
    label: { 'zh-CN': '清单已全部完成', en: 'checklist complete' },
    valueKind: 'bool',
  },
};

/** Facts every gate may read besides the SOP's fields. */
export const SYSTEM_FACTS: Record<string, LocalizedText> = {
  $owner: { 'zh-CN': '负责人', en: 'owner' },
  $team: { 'zh-CN': '团队', en: 'team' },
  $role: { 'zh-CN': '操作人角色', en: "actor's role" },
  $stage: { 'zh-CN': '当前阶段', en: 'current stages' },
  $checklist: { 'zh-CN': '检查清单', en: 'checklist' },
  $timeInStageHours: { 'zh-CN': '阶段停留小时数', en: 'hours in stage' },
};

export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

/** Longest pattern and longest input `matchesPattern` accepts; RE2 runs in linear time. */
export const MAX_PATTERN_LENGTH = 200;
const MAX_MATCH_INPUT = 10_000;
const patternCache = new Map<string, RE2JS | null>();

/** Compiles an RE2 pattern (linear-time matching: no catastrophic backtracking), or null. */
export function compilePattern(pattern: string): RE2JS | null {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  let re: RE2JS | null = null;
  if (pattern.length <= MAX_PATTERN_LENGTH) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
  }
  if (patternCache.size > 1000) patternCache.clear();
  patternCache.set(pattern, re);
  return re;
}

/** The operator registry: json-rules-engine's built-ins plus Closeloop's. */
const OPERATOR_MAP = (() => {
  const registry = new Engine([], { allowUndefinedFacts: true });
  addOperators(registry);
  return (registry as unknown as { operators: unknown }).operators;
})();

function addOperators(engine: Engine): void {
  engine.addOperator('isEmpty', (f: unknown, v: unknown) => isEmptyValue(f) === (v !== false));
  engine.addOperator('isNotEmpty', (f: unknown, v: unknown) => !isEmptyValue(f) === (v !== false));
  engine.addOperator('matchesPattern', (f: unknown, v: unknown) => {
    if (typeof f !== 'string' && typeof f !== 'number') return false;
    const s = String(f);
    if (typeof v !== 'string' || s.length > MAX_MATCH_INPUT) return false;
    const re = compilePattern(v);
    return re ? re.test(s) : false;
  });
  engine.addOperator('inList', (f: unknown, v: unknown) => {
    if (!Array.isArray(v)) return false;
    if (Array.isArray(f)) return f.length > 0 && f.every((x) => v.includes(x));
    return v.includes(f);
  });
  engine.addOperator('checklistComplete', (f: unknown, v: unknown) => {
    if (!f || typeof f !== 'object') return false;
    const { items, done } = f as { items: string[]; done: string[] };
    return items.every((i) => done.includes(i)) === (v !== false);
  });
}

// ---------------------------------------------------------------- facts

/** What a gate or rule is evaluated against. Built by the engine from the record. */
export type FactInput = {
  fields: Fields;
  ownerId: string | null;
  teamId: string | null;
  role: string;
  activeStages: string[];
  /** The stage the action leaves (its checklist, entry time and entry fields). */
  stage: string | null;
  stageEnteredAt: number | null;
  fieldsAtEntry: Fields;
  checklistItems: string[];
  checklistDone: string[];
  now: number;
  calendar: Calendar;
};

type Derived = { fact: string; kind: 'hoursFrom' | 'workingDaysFrom' | 'changed'; field: string };

const HOUR = 3_600_000;

function workdayMs(cal: Calendar): number {
  const [sh, sm] = cal.workStart.split(':').map(Number);
  const [eh, em] = cal.workEnd.split(':').map(Number);
  return ((eh ?? 0) * 60 + (em ?? 0) - (sh ?? 0) * 60 - (sm ?? 0)) * 60_000;
}

const SYSTEM_FACT_VALUES: Record<string, (input: FactInput) => unknown> = {
  $owner: (i) => i.ownerId,
  $team: (i) => i.teamId,
  $role: (i) => i.role,
  $stage: (i) => i.activeStages,
  $checklist: (i) => ({ items: i.checklistItems, done: i.checklistDone }),
  $timeInStageHours: (i) => (i.stageEnteredAt === null ? 0 : (i.now - i.stageEnteredAt) / HOUR),
};

/**
 * Only the facts the conditions read: json-rules-engine's cost grows with every fact
 * handed to a run (each becomes a Fact object in a fresh almanac).
 */
function buildFacts(
  input: FactInput,
  facts: readonly string[],
  derived: Derived[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of facts) {
    const system = SYSTEM_FACT_VALUES[f];
    out[f] = system ? system(input) : input.fields[f];
  }
  for (const d of derived) {
    const v = input.fields[d.field];
    if (d.kind === 'changed') {
      out[d.fact] =
        JSON.stringify(v ?? null) !== JSON.stringify(input.fieldsAtEntry[d.field] ?? null);
      continue;
    }
    const t = toInstant(v, input.calendar);
    if (t === null) {
      out[d.fact] = Number.POSITIVE_INFINITY;
    } else if (d.kind === 'hoursFrom') {
      out[d.fact] = Math.abs(input.now - t) / HOUR;
    } else {
      const [a, b] = t < input.now ? [t, input.now] : [input.now, t];
      out[d.fact] = workingMsBetween(a, b, input.calendar) / workdayMs(input.calendar);
    }
  }
  return out;
}

// ---------------------------------------------------------------- compile

type Leaf = { path: string; cond: LeafCondition };

function isDerivedOperator(op: string): boolean {
  return op === 'withinHours' || op === 'withinWorkingDays' || op === 'changedSinceEntry';
}

/** A gate or rule condition set ready to run: the json-rules-engine form and its leaves. */
export type CompiledConditions = {
  source: TopLevelCondition;
  root: JreCondition;
  /** Plain facts the conditions read (fields and system facts). */
  facts: string[];
  derived: Derived[];
  leaves: Leaf[];
};

function rewrite(
  c: Condition,
  path: string,
  derived: Map<string, Derived>,
  leaves: Leaf[],
): unknown {
  if ('all' in c)
    return { all: c.all.map((x, i) => rewrite(x, `${path}.all[${i}]`, derived, leaves)) };
  if ('any' in c)
    return { any: c.any.map((x, i) => rewrite(x, `${path}.any[${i}]`, derived, leaves)) };
  if ('not' in c) return { not: rewrite(c.not, `${path}.not`, derived, leaves) };
  leaves.push({ path, cond: c });
  const base = { path: c.path, params: c.params, __path: path };
  const use = (kind: Derived['kind']) => {
    const fact = `$${kind}:${c.fact}`;
    derived.set(fact, { fact, kind, field: c.fact });
    return fact;
  };
  switch (c.operator) {
    case 'withinHours':
      return { ...base, fact: use('hoursFrom'), operator: 'lessThanInclusive', value: c.value };
    case 'withinWorkingDays':
      return {
        ...base,
        fact: use('workingDaysFrom'),
        operator: 'lessThanInclusive',
        value: c.value,
      };
    case 'changedSinceEntry':
      return { ...base, fact: use('changed'), operator: 'equal', value: c.value !== false };
    default:
      return { ...base, fact: c.fact, operator: c.operator, value: c.value };
  }
}

/** Compiles a condition set once; `evaluate` then runs it against facts many times. */
export function compileConditions(source: TopLevelCondition): CompiledConditions {
  const derived = new Map<string, Derived>();
  const leaves: Leaf[] = [];
  const top = rewrite(source, '', derived, leaves) as JreTop;
  const root = new Rule({ conditions: top, event: { type: 'pass' } })
    .conditions as unknown as JreCondition;
  // a value may name another fact (`{ "fact": "leaver" }`): the almanac needs it too
  const refs = leaves.map((l) => factRef(l.cond.value)).filter((r): r is string => r !== null);
  const facts = [
    ...new Set([
      ...leaves.filter((l) => !isDerivedOperator(l.cond.operator)).map((l) => l.cond.fact),
      ...refs,
    ]),
  ];
  return { source, root, facts, derived: [...derived.values()], leaves };
}

/** json-rules-engine's Condition, as `new Rule(...).conditions` builds it. */
type JreCondition = {
  all?: JreCondition[];
  any?: JreCondition[];
  not?: JreCondition;
  evaluate(
    almanac: Almanac,
    operators: unknown,
  ): Promise<{ result: boolean; leftHandSideValue?: unknown; rightHandSideValue?: unknown }>;
};

export type Evaluation = { passed: boolean; failures: GateFailure[] };

/**
 * Runs compiled conditions against a record's facts. Each leaf is evaluated by
 * json-rules-engine (its Condition, Almanac and operators); the all/any/not combination
 * is walked here so a failed set can list each failing leaf (for `any`, every
 * alternative) with its path, message and the fields that would satisfy it — and so a
 * run skips Engine.run's per-run deep clone of the rule and its event bookkeeping.
 */
export async function evaluate(
  compiled: CompiledConditions,
  input: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<Evaluation> {
  const almanac = new Almanac({ allowUndefinedFacts: true });
  const facts = buildFacts(input, compiled.facts, compiled.derived);
  for (const k in facts) almanac.addRuntimeFact(k, facts[k]);
  return walk(compiled.root, compiled.source, '', almanac, fieldDefs);
}

async function walk(
  node: JreCondition,
  src: Condition,
  path: string,
  almanac: Almanac,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<Evaluation> {
  const group = async (kind: 'all' | 'any', nodes: JreCondition[], srcs: Condition[]) => {
    const parts = await Promise.all(
      nodes.map((n, i) =>
        walk(n, srcs[i] as Condition, `${path}.${kind}[${i}]`, almanac, fieldDefs),
      ),
    );
    const passed = kind === 'all' ? parts.every((p) => p.passed) : parts.some((p) => p.passed);
    if (passed) return { passed, failures: [] };
    if (src.message)
      return { passed, failures: [failureOf(src, path, src.message, fieldDefs, false)] };
    return { passed, failures: parts.flatMap((p) => p.failures) };
  };
  if ('all' in src && node.all) return group('all', node.all, src.all);
  if ('any' in src && node.any) return group('any', node.any, src.any);
  if ('not' in src && node.not) {
    const inner = await walk(node.not, src.not, `${path}.not`, almanac, fieldDefs);
    return inner.passed
      ? { passed: false, failures: [failureOf(src.not, path, src.message, fieldDefs, true)] }
      : { passed: true, failures: [] };
  }
  let passed = false;
  try {
    passed = (await node.evaluate(almanac, OPERATOR_MAP)).result === true;
  } catch {
    passed = false; // an operator refusing its input (a wrong type) fails the condition
  }
  return passed
    ? { passed, failures: [] }
    : { passed, failures: [failureOf(src, path, src.message, fieldDefs, false)] };
}

// ---------------------------------------------------------------- trace

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

/**
 * Evaluates compiled conditions like `evaluate` and returns every node's verdict: each leaf
 * with its fact, operator, expected value, the record's actual value and pass/fail, each
 * all/any/not group with its result. Leaves run through json-rules-engine exactly as in
 * `evaluate`, so `traceConditions(...).passed === (await evaluate(...)).passed` always.
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
  const almanac = new Almanac({ allowUndefinedFacts: true });
  const facts = buildFacts(input, compiled.facts, compiled.derived);
  for (const k in facts) almanac.addRuntimeFact(k, facts[k]);
  const root = await traceNode(compiled.root, compiled.source, '', almanac, input, fieldDefs);
  return { passed: root.passed, root };
}

async function traceNode(
  node: JreCondition,
  src: Condition,
  path: string,
  almanac: Almanac,
  input: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<ConditionTrace> {
  const at = path.replace(/^\./, '') || '(gate)';
  const message = src.message;
  const group = async (kind: 'all' | 'any', nodes: JreCondition[], srcs: Condition[]) => {
    const children = await Promise.all(
      nodes.map((n, i) =>
        traceNode(n, srcs[i] as Condition, `${path}.${kind}[${i}]`, almanac, input, fieldDefs),
      ),
    );
    const passed =
      kind === 'all' ? children.every((c) => c.passed) : children.some((c) => c.passed);
    return { kind, path: at, passed, children, ...(message ? { message } : {}) };
  };
  if ('all' in src && node.all) return group('all', node.all, src.all);
  if ('any' in src && node.any) return group('any', node.any, src.any);
  if ('not' in src && node.not) {
    const child = await traceNode(node.not, src.not, `${path}.not`, almanac, input, fieldDefs);
    return { kind: 'not', path: at, passed: !child.passed, child, ...(message ? { message } : {}) };
  }
  const leaf = src as LeafCondition;
  const system = SYSTEM_FACT_VALUES[leaf.fact];
  const actual = system ? system(input) : (input.fields[leaf.fact] ?? null);
  let passed = false;
  let compared: unknown;
  let expected: unknown = leaf.value;
  let error: string | undefined;
  try {
    const r = await node.evaluate(almanac, OPERATOR_MAP);
    passed = r.result === true;
    compared = r.leftHandSideValue;
    if ('rightHandSideValue' in r) expected = r.rightHandSideValue;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const differs =
    compared !== undefined && JSON.stringify(compared) !== JSON.stringify(actual ?? null);
  return {
    kind: 'leaf',
    path: at,
    passed,
    fact: leaf.fact,
    operator: leaf.operator,
    value: leaf.value,
    expected,
    actual,
    ...(differs ? { compared } : {}),
    message: leaf.message ?? defaultMessage(leaf, fieldDefs),
    ...(error ? { error } : {}),
  };
}

function leafFields(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(leafFields);
  if ('any' in c) return c.any.flatMap(leafFields);
  if ('not' in c) return leafFields(c.not);
  const out = c.fact.startsWith('$') ? [] : [c.fact];
  const ref = factRef(c.value);
  if (ref && !ref.startsWith('$')) out.push(ref);
  return out;
}

/** A json-rules-engine value that names another fact: `{ "fact": "leaver" }`. */
function factRef(v: unknown): string | null {
  return v && typeof v === 'object' && 'fact' in v && typeof v.fact === 'string' ? v.fact : null;
}

function failureOf(
  c: Condition,
  path: string,
  message: LocalizedText | undefined,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  negated: boolean,
): GateFailure {
  const fields = [...new Set(leafFields(c))];
  const leaf = 'fact' in c ? c : null;
  return {
    path: path.replace(/^\./, '') || '(gate)',
    fact: leaf?.fact ?? fields.join(','),
    operator: negated ? 'not' : (leaf?.operator ?? 'group'),
    message: message ?? defaultMessage(c, fieldDefs, negated),
    fields,
  };
}

function labelOf(fact: string, fieldDefs: ReadonlyMap<string, FieldDef>): LocalizedText {
  return fieldDefs.get(fact)?.label ?? SYSTEM_FACTS[fact] ?? { 'zh-CN': fact, en: fact };
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A readable message for a condition the author gave none. */
export function defaultMessage(
  c: Condition,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  negated = false,
): LocalizedText {
  if (!('fact' in c) || negated) {
    const names = [...new Set(leafFields(c))].map((f) => labelOf(f, fieldDefs));
    return {
      'zh-CN': `条件未满足：${names.map((n) => `「${n['zh-CN']}」`).join('、') || '组合条件'}`,
      en: `Condition not met: ${names.map((n) => `“${n.en}”`).join(', ') || 'group'}`,
    };
  }
  const l = labelOf(c.fact, fieldDefs);
  const z = `「${l['zh-CN']}」`;
  const e = `“${l.en}”`;
  const v = show(c.value);
  switch (c.operator) {
    case 'isNotEmpty':
      return c.value === false
        ? { 'zh-CN': `${z}应为空`, en: `${e} must be empty` }
        : { 'zh-CN': `请填写${z}`, en: `Fill in ${e}` };
    case 'isEmpty':
      return { 'zh-CN': `${z}应为空`, en: `${e} must be empty` };
    case 'checklistComplete':
      return {
        'zh-CN': '请完成本阶段检查清单的所有项目',
        en: "Tick every item of this stage's checklist",
      };
    case 'withinHours':
      return { 'zh-CN': `${z}须在 ${v} 小时内`, en: `${e} must be within ${v} hours` };
    case 'withinWorkingDays':
      return { 'zh-CN': `${z}须在 ${v} 个工作日内`, en: `${e} must be within ${v} working days` };
    case 'matchesPattern':
      return { 'zh-CN': `${z}格式不正确`, en: `${e} is not in the expected format` };
    case 'changedSinceEntry':
      return { 'zh-CN': `请更新${z}`, en: `Update ${e}` };
    default: {
      const ref = factRef(c.value);
      const rl = ref ? labelOf(ref, fieldDefs) : null;
      const vz = rl ? `「${rl['zh-CN']}」` : v;
      const ve = rl ? `“${rl.en}”` : v;
      const phrase = PHRASES[c.operator];
      if (!phrase) return { 'zh-CN': `${z}不满足条件`, en: `${e} does not meet the condition` };
      return { 'zh-CN': `${z}${phrase[0]}${vz}`, en: `${e} ${phrase[1]} ${ve}` };
    }
  }
}

/** Default-message phrasing per built-in operator: [zh-CN infix, en infix]. */
const PHRASES: Record<string, [string, string]> = {
  equal: ['须等于', 'must equal'],
  notEqual: ['不能等于', 'must not equal'],
  lessThan: ['须小于', 'must be less than'],
  lessThanInclusive: ['不能大于', 'must be at most'],
  greaterThan: ['须大于', 'must be greater than'],
  greaterThanInclusive: ['不能小于', 'must be at least'],
  in: ['须为以下之一：', 'must be one of'],
  inList: ['须为以下之一：', 'must be one of'],
  notIn: ['不能为以下之一：', 'must not be one of'],
  contains: ['须包含', 'must contain'],
  doesNotContain: ['不能包含', 'must not contain'],
};

// ---------------------------------------------------------------- validation

/** Checks a condition set's facts, operators, values and depth; problems carry JSON paths. */
export function checkConditions(
  c: Condition,
  path: string,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  stage: string | undefined,
  depth = 0,
): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, code: string, message: LocalizedText) =>
    problems.push({ path: p, code, message, stage });
  if (depth > MAX_CONDITION_DEPTH) {
    add(path, 'condition.too-deep', {
      'zh-CN': `条件嵌套超过 ${MAX_CONDITION_DEPTH} 层`,
      en: `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`,
    });
    return problems;
  }
  if ('all' in c || 'any' in c) {
    const key = 'all' in c ? 'all' : 'any';
    const list = 'all' in c ? c.all : (c as { any: Condition[] }).any;
    list.forEach((x, i) => {
      problems.push(...checkConditions(x, `${path}.${key}[${i}]`, fieldDefs, stage, depth + 1));
    });
    return problems;
  }
  if ('not' in c) return checkConditions(c.not, `${path}.not`, fieldDefs, stage, depth + 1);
  const info = OPERATORS[c.operator];
  if (!info) {
    add(`${path}.operator`, 'condition.unknown-operator', {
      'zh-CN': `未知的运算符「${c.operator}」`,
      en: `unknown operator "${c.operator}"`,
    });
  }
  const field = fieldDefs.get(c.fact);
  if (!field && !(c.fact in SYSTEM_FACTS)) {
    add(`${path}.fact`, 'condition.unknown-fact', {
      'zh-CN': `条件引用了不存在的字段「${c.fact}」`,
      en: `condition names unknown field "${c.fact}"`,
    });
  }
  if (!info) return problems;
  const v = c.value;
  const bad = (why: LocalizedText) => add(`${path}.value`, 'condition.bad-value', why);
  switch (info.valueKind) {
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v))
        bad({ 'zh-CN': `「${c.operator}」需要数字`, en: `"${c.operator}" needs a number` });
      break;
    case 'list':
      if (!Array.isArray(v))
        bad({ 'zh-CN': `「${c.operator}」需要列表`, en: `"${c.operator}" needs a list` });
      break;
    case 'bool':
      if (typeof v !== 'boolean')
        bad({
          'zh-CN': `「${c.operator}」需要 true 或 false`,
          en: `"${c.operator}" needs true or false`,
        });
      break;
    case 'pattern':
      if (typeof v !== 'string')
        bad({
          'zh-CN': '「matchesPattern」需要正则字符串',
          en: '"matchesPattern" needs a pattern string',
        });
      else if (v.length > MAX_PATTERN_LENGTH)
        bad({
          'zh-CN': `正则超过 ${MAX_PATTERN_LENGTH} 个字符`,
          en: `pattern is longer than ${MAX_PATTERN_LENGTH} characters`,
        });
      else if (!compilePattern(v))
        bad({
          'zh-CN': `正则不是合法的 RE2 语法：${v}`,
          en: `pattern is not valid RE2 syntax: ${v}`,
        });
      break;
    default:
      break;
  }
  if (c.operator === 'checklistComplete' && c.fact !== '$checklist') {
    add(`${path}.fact`, 'condition.bad-fact', {
      'zh-CN': '「checklistComplete」只能用于 $checklist',
      en: '"checklistComplete" applies to $checklist only',
    });
  }
  if (
    (c.operator === 'withinHours' || c.operator === 'withinWorkingDays') &&
    field &&
    field.type !== 'date' &&
    field.type !== 'datetime'
  ) {
    add(`${path}.fact`, 'condition.bad-fact', {
      'zh-CN': `「${c.operator}」需要日期或日期时间字段`,
      en: `"${c.operator}" needs a date or datetime field`,
    });
  }
  return problems;
}
