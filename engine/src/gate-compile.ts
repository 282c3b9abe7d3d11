/**
 * Compiling a gate or rule condition set once into json-rules-engine's form. Operators
 * with `derive` become comparisons on facts computed before each run (see gate-facts.ts).
 */
import { type Almanac, type TopLevelCondition as JreTop, Rule } from 'json-rules-engine';
import type { Derived } from './gate-facts.ts';
import { factRef } from './gate-messages.ts';
import { operatorOf } from './operators.ts';
import type { Condition, LeafCondition, TopLevelCondition } from './sop.ts';

type Leaf = { path: string; cond: LeafCondition };

/** json-rules-engine's Condition, as `new Rule(...).conditions` builds it. */
export type JreCondition = {
  all?: JreCondition[];
  any?: JreCondition[];
  not?: JreCondition;
  evaluate(
    almanac: Almanac,
    operators: unknown,
  ): Promise<{ result: boolean; leftHandSideValue?: unknown; rightHandSideValue?: unknown }>;
};

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
  const derive = operatorOf(c.operator)?.derive;
  if (!derive) return { ...base, fact: c.fact, operator: c.operator, value: c.value };
  const fact = `$${derive.kind}:${c.fact}`;
  derived.set(fact, { fact, kind: derive.kind, field: c.fact });
  return { ...base, fact, operator: derive.operator, value: derive.value(c.value) };
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
      ...leaves.filter((l) => !operatorOf(l.cond.operator)?.derive).map((l) => l.cond.fact),
      ...refs,
    ]),
  ];
  return { source, root, facts, derived: [...derived.values()], leaves };
}
