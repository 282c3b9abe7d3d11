/**
 * Gate and rule operators, each defined once: its label for the editor's condition builder,
 * the kind of value it takes, how it evaluates (json-rules-engine's built-ins, or ours), how
 * a failed condition explains itself, and what `validate` checks about its use.
 *
 * Operators that depend on the time or the stage (withinHours, withinWorkingDays,
 * changedSinceEntry) carry `derive`: they are rewritten at compile time into a comparison
 * on a fact computed before the run, so json-rules-engine stays pure and reads no clock.
 *
 * Adding an operator: one `defineOperator({...})` below, added to `DEFINITIONS`.
 */
import { Engine } from 'json-rules-engine';
import { RE2JS } from 're2js';
import { isEmptyValue } from './empty.ts';
import type { FieldDef, LeafCondition, LocalizedText } from './sop.ts';

export type ValueKind = 'none' | 'bool' | 'number' | 'list' | 'pattern' | 'any';

/** A fact computed before the run from a field (and the time, the stage entry). */
export type DerivedKind = 'hoursFrom' | 'workingDaysFrom' | 'changed';

/** The condition's subject and value, quoted for a message in each language. */
export type Wording = {
  /** The fact's label, quoted: `「预算」` / `“budget”`. */
  subject: LocalizedText;
  /** The value as written (`show(value)`). */
  raw: string;
  /** The value, or the label of the fact it names, quoted per language. */
  value: LocalizedText;
};

export type OperatorCheck = { code: string; message: LocalizedText };

export type OperatorDef = {
  name: string;
  label: LocalizedText;
  valueKind: ValueKind;
  /** Closeloop's own operators: (fact value, condition value) → passed. Built-ins have none. */
  evaluate?: (fact: unknown, value: unknown) => boolean;
  /** Rewritten into `operator` on a derived fact of this kind, with this value. */
  derive?: { kind: DerivedKind; operator: string; value: (v: unknown) => unknown };
  /** The message of a failed condition the author gave none. */
  explain: (w: Wording, c: LeafCondition) => LocalizedText;
  /** Checks beyond the value kind (which fact it may apply to); null when fine. */
  check?: (c: LeafCondition, field: FieldDef | undefined) => OperatorCheck | null;
};

export function defineOperator(def: OperatorDef): OperatorDef {
  return def;
}

/** A built-in comparison explained as "<subject> <phrase> <value>". */
function phrase(verb: LocalizedText): OperatorDef['explain'] {
  return (w) => ({
    'zh-CN': `${w.subject['zh-CN']}${verb['zh-CN']}${w.value['zh-CN']}`,
    en: `${w.subject.en} ${verb.en} ${w.value.en}`,
  });
}

function comparison(
  name: string,
  label: LocalizedText,
  valueKind: ValueKind,
  verb: LocalizedText,
): OperatorDef {
  return defineOperator({ name, label, valueKind, explain: phrase(verb) });
}

const mustBeEmpty = (w: Wording): LocalizedText => ({
  'zh-CN': `${w.subject['zh-CN']}应为空`,
  en: `${w.subject.en} must be empty`,
});

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

const needsDateField = (c: LeafCondition, field: FieldDef | undefined): OperatorCheck | null =>
  field && field.type !== 'date' && field.type !== 'datetime'
    ? {
        code: 'condition.bad-fact',
        message: {
          'zh-CN': `「${c.operator}」需要日期或日期时间字段`,
          en: `"${c.operator}" needs a date or datetime field`,
        },
      }
    : null;

const DEFINITIONS: OperatorDef[] = [
  comparison('equal', { 'zh-CN': '等于', en: 'equals' }, 'any', {
    'zh-CN': '须等于',
    en: 'must equal',
  }),
  comparison('notEqual', { 'zh-CN': '不等于', en: 'does not equal' }, 'any', {
    'zh-CN': '不能等于',
    en: 'must not equal',
  }),
  comparison('lessThan', { 'zh-CN': '小于', en: 'less than' }, 'number', {
    'zh-CN': '须小于',
    en: 'must be less than',
  }),
  comparison('lessThanInclusive', { 'zh-CN': '小于等于', en: 'at most' }, 'number', {
    'zh-CN': '不能大于',
    en: 'must be at most',
  }),
  comparison('greaterThan', { 'zh-CN': '大于', en: 'greater than' }, 'number', {
    'zh-CN': '须大于',
    en: 'must be greater than',
  }),
  comparison('greaterThanInclusive', { 'zh-CN': '大于等于', en: 'at least' }, 'number', {
    'zh-CN': '不能小于',
    en: 'must be at least',
  }),
  comparison('in', { 'zh-CN': '属于', en: 'is one of' }, 'list', {
    'zh-CN': '须为以下之一：',
    en: 'must be one of',
  }),
  comparison('notIn', { 'zh-CN': '不属于', en: 'is not one of' }, 'list', {
    'zh-CN': '不能为以下之一：',
    en: 'must not be one of',
  }),
  comparison('contains', { 'zh-CN': '包含', en: 'contains' }, 'any', {
    'zh-CN': '须包含',
    en: 'must contain',
  }),
  comparison('doesNotContain', { 'zh-CN': '不包含', en: 'does not contain' }, 'any', {
    'zh-CN': '不能包含',
    en: 'must not contain',
  }),
  defineOperator({
    name: 'isEmpty',
    label: { 'zh-CN': '为空', en: 'is empty' },
    valueKind: 'bool',
    evaluate: (f, v) => isEmptyValue(f) === (v !== false),
    explain: mustBeEmpty,
  }),
  defineOperator({
    name: 'isNotEmpty',
    label: { 'zh-CN': '不为空', en: 'is not empty' },
    valueKind: 'bool',
    evaluate: (f, v) => !isEmptyValue(f) === (v !== false),
    explain: (w, c) =>
      c.value === false
        ? mustBeEmpty(w)
        : { 'zh-CN': `请填写${w.subject['zh-CN']}`, en: `Fill in ${w.subject.en}` },
  }),
  defineOperator({
    name: 'withinHours',
    label: { 'zh-CN': '在 N 小时内', en: 'within N hours' },
    valueKind: 'number',
    derive: { kind: 'hoursFrom', operator: 'lessThanInclusive', value: (v) => v },
    explain: (w) => ({
      'zh-CN': `${w.subject['zh-CN']}须在 ${w.raw} 小时内`,
      en: `${w.subject.en} must be within ${w.raw} hours`,
    }),
    check: needsDateField,
  }),
  defineOperator({
    name: 'withinWorkingDays',
    label: { 'zh-CN': '在 N 个工作日内', en: 'within N working days' },
    valueKind: 'number',
    derive: { kind: 'workingDaysFrom', operator: 'lessThanInclusive', value: (v) => v },
    explain: (w) => ({
      'zh-CN': `${w.subject['zh-CN']}须在 ${w.raw} 个工作日内`,
      en: `${w.subject.en} must be within ${w.raw} working days`,
    }),
    check: needsDateField,
  }),
  defineOperator({
    name: 'matchesPattern',
    label: { 'zh-CN': '匹配格式', en: 'matches pattern' },
    valueKind: 'pattern',
    evaluate: (f, v) => {
      if (typeof f !== 'string' && typeof f !== 'number') return false;
      const s = String(f);
      if (typeof v !== 'string' || s.length > MAX_MATCH_INPUT) return false;
      const re = compilePattern(v);
      return re ? re.test(s) : false;
    },
    explain: (w) => ({
      'zh-CN': `${w.subject['zh-CN']}格式不正确`,
      en: `${w.subject.en} is not in the expected format`,
    }),
  }),
  defineOperator({
    name: 'inList',
    label: { 'zh-CN': '在列表中', en: 'in list' },
    valueKind: 'list',
    evaluate: (f, v) => {
      if (!Array.isArray(v)) return false;
      if (Array.isArray(f)) return f.length > 0 && f.every((x) => v.includes(x));
      return v.includes(f);
    },
    explain: phrase({ 'zh-CN': '须为以下之一：', en: 'must be one of' }),
  }),
  defineOperator({
    name: 'changedSinceEntry',
    label: { 'zh-CN': '进入阶段后已修改', en: 'changed since stage entry' },
    valueKind: 'bool',
    derive: { kind: 'changed', operator: 'equal', value: (v) => v !== false },
    explain: (w) => ({ 'zh-CN': `请更新${w.subject['zh-CN']}`, en: `Update ${w.subject.en}` }),
  }),
  defineOperator({
    name: 'checklistComplete',
    label: { 'zh-CN': '清单已全部完成', en: 'checklist complete' },
    valueKind: 'bool',
    evaluate: (f, v) => {
      if (!f || typeof f !== 'object') return false;
      const { items, done } = f as { items: string[]; done: string[] };
      return items.every((i) => done.includes(i)) === (v !== false);
    },
    explain: () => ({
      'zh-CN': '请完成本阶段检查清单的所有项目',
      en: "Tick every item of this stage's checklist",
    }),
    check: (c) =>
      c.fact === '$checklist'
        ? null
        : {
            code: 'condition.bad-fact',
            message: {
              'zh-CN': '「checklistComplete」只能用于 $checklist',
              en: '"checklistComplete" applies to $checklist only',
            },
          },
  }),
];

const BY_NAME: ReadonlyMap<string, OperatorDef> = new Map(DEFINITIONS.map((d) => [d.name, d]));

/** The operator of that name; undefined for unknown names (inherited ones included). */
export function operatorOf(name: string): OperatorDef | undefined {
  return BY_NAME.get(name);
}

type OperatorInfo = { label: LocalizedText; valueKind: ValueKind };

/**
 * Operators available to gates and rules, with labels for the editor's condition builder.
 * A null-prototype object: `OPERATORS.constructor` is undefined.
 */
export const OPERATORS: Readonly<Record<string, OperatorInfo>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, OperatorInfo>,
    Object.fromEntries(
      DEFINITIONS.map((d) => [d.name, { label: d.label, valueKind: d.valueKind }]),
    ),
  ),
);

/** json-rules-engine's operator registry: its built-ins plus every `evaluate` above. */
export const OPERATOR_MAP: unknown = (() => {
  const registry = new Engine([], { allowUndefinedFacts: true });
  for (const d of DEFINITIONS) {
    const evaluate = d.evaluate;
    if (evaluate) registry.addOperator(d.name, (f: unknown, v: unknown) => evaluate(f, v));
  }
  return (registry as unknown as { operators: unknown }).operators;
})();
