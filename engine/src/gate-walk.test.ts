/**
 * The synchronous leaf path gives what json-rules-engine's own `Condition.evaluate` (with an
 * almanac of the same facts) gives, for every operator, literal and fact-reference values,
 * and values of the wrong type.
 */
import fc from 'fast-check';
import { Almanac } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { chinaCalendar } from './calendar.ts';
import { compileConditions } from './gate-compile.ts';
import { buildFacts, type FactInput } from './gate-facts.ts';
import { evaluate, traceConditions } from './gate-walk.ts';
import { OPERATOR_MAP, OPERATORS } from './operators.ts';
import type { LeafCondition } from './sop.ts';
import type { Fields } from './types.ts';

const scalar = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('', 'A', 'B', 'ACME', '13800138000', '2026-11-03T10:00:00+08:00'),
  fc.constant(null),
  fc.boolean(),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant({ fact: 'other' }) },
  { weight: 1, arbitrary: fc.constant('^[A-Z]') },
);

// Field values of the wrong shape (objects, nested arrays) are part of what is tested, so the
// bag is cast: a stored record can hold them when an API client sent them.
const input = (fields: Record<string, unknown>): FactInput => ({
  fields: fields as Fields,
  ownerId: 'u1',
  teamId: 't1',
  role: 'rep',
  activeStages: ['new'],
  stage: 'new',
  stageEnteredAt: Date.parse('2026-11-02T09:00:00+08:00'),
  fieldsAtEntry: {},
  checklistItems: [],
  checklistDone: [],
  now: Date.parse('2026-11-03T09:00:00+08:00'),
  calendar: chinaCalendar,
});

/** json-rules-engine alone: the compiled leaf evaluated against a full almanac. */
async function reference(leaf: LeafCondition, fields: Record<string, unknown>) {
  const compiled = compileConditions({ all: [leaf] });
  const almanac = new Almanac({ allowUndefinedFacts: true });
  for (const [k, v] of buildFacts(input(fields), compiled.facts, compiled.derived))
    almanac.addRuntimeFact(k, v);
  const node = compiled.root.all?.[0];
  if (!node) throw new Error('no leaf');
  try {
    return (await node.evaluate(almanac, OPERATOR_MAP)).result === true;
  } catch {
    return false;
  }
}

describe('gate leaves', () => {
  it('decide as json-rules-engine decides, for every operator and value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(OPERATORS)),
        value,
        fc.record({ x: value, other: value }, { requiredKeys: [] }),
        async (operator, v, fields) => {
          const leaf = { fact: 'x', operator, value: v } as LeafCondition;
          const compiled = compileConditions({ all: [leaf] });
          const ours = await evaluate(compiled, input(fields), new Map());
          expect(ours.passed).toBe(await reference(leaf, fields));
          const trace = await traceConditions(compiled, input(fields), new Map());
          expect(trace.passed).toBe(ours.passed);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('a leaf with a path still goes through the almanac and reads the nested value', async () => {
    const leaf = { fact: 'x', path: '$.grade', operator: 'equal', value: 'A' } as LeafCondition;
    const compiled = compileConditions({ all: [leaf] });
    expect((await evaluate(compiled, input({ x: { grade: 'A' } }), new Map())).passed).toBe(true);
    expect((await evaluate(compiled, input({ x: { grade: 'B' } }), new Map())).passed).toBe(false);
  });
});
