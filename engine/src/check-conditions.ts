/** What `validate` checks in a gate or rule: facts, operators, values and nesting depth. */
import { isSystemFact } from './gate-facts.ts';
import { compilePattern, MAX_PATTERN_LENGTH, operatorOf, type ValueKind } from './operators.ts';
import type { Condition, FieldDef, LeafCondition, LocalizedText, Problem } from './sop.ts';
import { MAX_CONDITION_DEPTH } from './sop.ts';

/** Why a value does not fit the operator's value kind, or null. */
function valueProblem(kind: ValueKind, c: LeafCondition): LocalizedText | null {
  const v = c.value;
  const op = c.operator;
  switch (kind) {
    case 'number':
      return typeof v !== 'number' || !Number.isFinite(v)
        ? { 'zh-CN': `「${op}」需要数字`, en: `"${op}" needs a number` }
        : null;
    case 'list':
      return Array.isArray(v) ? null : { 'zh-CN': `「${op}」需要列表`, en: `"${op}" needs a list` };
    case 'bool':
      return typeof v === 'boolean'
        ? null
        : { 'zh-CN': `「${op}」需要 true 或 false`, en: `"${op}" needs true or false` };
    case 'pattern':
      if (typeof v !== 'string')
        return {
          'zh-CN': '「matchesPattern」需要正则字符串',
          en: '"matchesPattern" needs a pattern string',
        };
      if (v.length > MAX_PATTERN_LENGTH)
        return {
          'zh-CN': `正则超过 ${MAX_PATTERN_LENGTH} 个字符`,
          en: `pattern is longer than ${MAX_PATTERN_LENGTH} characters`,
        };
      return compilePattern(v)
        ? null
        : {
            'zh-CN': `正则不是合法的 RE2 语法：${v}`,
            en: `pattern is not valid RE2 syntax: ${v}`,
          };
    default:
      return null;
  }
}

function checkLeaf(
  c: LeafCondition,
  path: string,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  stage: string | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, code: string, message: LocalizedText) =>
    problems.push({ path: p, code, message, stage });
  const op = operatorOf(c.operator);
  if (!op) {
    add(`${path}.operator`, 'condition.unknown-operator', {
      'zh-CN': `未知的运算符「${c.operator}」`,
      en: `unknown operator "${c.operator}"`,
    });
  }
  const field = fieldDefs.get(c.fact);
  if (!field && !isSystemFact(c.fact)) {
    add(`${path}.fact`, 'condition.unknown-fact', {
      'zh-CN': `条件引用了不存在的字段「${c.fact}」`,
      en: `condition names unknown field "${c.fact}"`,
    });
  }
  if (!op) return problems;
  const bad = valueProblem(op.valueKind, c);
  if (bad) add(`${path}.value`, 'condition.bad-value', bad);
  const misuse = op.check?.(c, field);
  if (misuse) add(`${path}.fact`, misuse.code, misuse.message);
  return problems;
}

/** Checks a condition set's facts, operators, values and depth; problems carry JSON paths. */
export function checkConditions(
  c: Condition,
  path: string,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  stage: string | undefined,
  depth = 0,
): Problem[] {
  if (depth > MAX_CONDITION_DEPTH) {
    return [
      {
        path,
        code: 'condition.too-deep',
        message: {
          'zh-CN': `条件嵌套超过 ${MAX_CONDITION_DEPTH} 层`,
          en: `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`,
        },
        stage,
      },
    ];
  }
  if ('all' in c || 'any' in c) {
    const key = 'all' in c ? 'all' : 'any';
    const list = 'all' in c ? c.all : (c as { any: Condition[] }).any;
    return list.flatMap((x, i) =>
      checkConditions(x, `${path}.${key}[${i}]`, fieldDefs, stage, depth + 1),
    );
  }
  if ('not' in c) return checkConditions(c.not, `${path}.not`, fieldDefs, stage, depth + 1);
  return checkLeaf(c, path, fieldDefs, stage);
}
