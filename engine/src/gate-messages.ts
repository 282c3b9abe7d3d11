/**
 * What a failed condition says: the author's message, else one made from the operator's
 * own `explain` and the fields' labels, in zh-CN and en.
 */
import { isSystemFact, SYSTEM_FACTS } from './gate-facts.ts';
import { operatorOf } from './operators.ts';
import { own } from './own.ts';
import type { Condition, FieldDef, LocalizedText } from './sop.ts';
import type { GateFailure } from './types.ts';

/** The fields a condition reads (system facts aside), including fields its values name. */
export function leafFields(c: Condition): string[] {
  if ('all' in c) return c.all.flatMap(leafFields);
  if ('any' in c) return c.any.flatMap(leafFields);
  if ('not' in c) return leafFields(c.not);
  const out = c.fact.startsWith('$') ? [] : [c.fact];
  const ref = factRef(c.value);
  if (ref && !ref.startsWith('$')) out.push(ref);
  return out;
}

/** A json-rules-engine value that names another fact: `{ "fact": "leaver" }`. */
export function factRef(v: unknown): string | null {
  return v && typeof v === 'object' && 'fact' in v && typeof v.fact === 'string' ? v.fact : null;
}

export function failureOf(
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
  return (
    fieldDefs.get(fact)?.label ??
    (isSystemFact(fact) ? own(SYSTEM_FACTS, fact) : undefined) ?? { 'zh-CN': fact, en: fact }
  );
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const quote = (l: LocalizedText): LocalizedText => ({
  'zh-CN': `「${l['zh-CN']}」`,
  en: `“${l.en}”`,
});

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
  const subject = quote(labelOf(c.fact, fieldDefs));
  const op = operatorOf(c.operator);
  if (!op) {
    return {
      'zh-CN': `${subject['zh-CN']}不满足条件`,
      en: `${subject.en} does not meet the condition`,
    };
  }
  const raw = show(c.value);
  const ref = factRef(c.value);
  const value = ref ? quote(labelOf(ref, fieldDefs)) : { 'zh-CN': raw, en: raw };
  return op.explain({ subject, raw, value }, c);
}
