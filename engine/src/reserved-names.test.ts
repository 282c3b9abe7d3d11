/**
 * Names a plain object inherits (`constructor`, `toString`, `__proto__`, `hasOwnProperty`)
 * are never operators, facts, fields or stages: validate refuses them, and evaluation
 * treats them as the unknown names they are instead of reading Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import { chinaCalendar } from './calendar.ts';
import {
  compileConditions,
  evaluate,
  type FactInput,
  OPERATORS,
  traceConditions,
} from './conditions.ts';
import { leadSopJson } from './testing/fixtures.ts';
import { checkSop } from './validate.ts';

type Json = Record<string, any>;
const base = () => structuredClone(leadSopJson) as Json;
const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];

function codes(doc: unknown): Array<[string, string]> {
  return checkSop(doc).problems.map((p) => [p.code, p.path]);
}

const input: FactInput = {
  fields: { budget: 100 },
  ownerId: 'u1',
  teamId: 'sales',
  role: 'rep',
  activeStages: ['lead'],
  stage: 'lead',
  stageEnteredAt: 0,
  fieldsAtEntry: {},
  checklistItems: [],
  checklistDone: [],
  now: 3_600_000,
  calendar: chinaCalendar,
};

describe('inherited names', () => {
  it.each(INHERITED)('validate refuses the fact %s', (name) => {
    const doc = base();
    doc.machine.states.lead.on.QUALIFY.meta.gate.all[0].fact = name;
    expect(codes(doc)).toContainEqual([
      'condition.unknown-fact',
      'machine.states.lead.on.QUALIFY[0].meta.gate.all[0].fact',
    ]);
  });

  it.each(INHERITED)('validate refuses the operator %s', (name) => {
    const doc = base();
    doc.machine.states.lead.on.QUALIFY.meta.gate.all[0].operator = name;
    const problems = checkSop(doc).problems;
    expect(problems.map((p) => [p.code, p.path])).toContainEqual([
      'condition.unknown-operator',
      'machine.states.lead.on.QUALIFY[0].meta.gate.all[0].operator',
    ]);
    expect(problems.find((p) => p.code === 'condition.unknown-operator')?.message.en).toBe(
      `unknown operator "${name}"`,
    );
  });

  it('validate refuses a field key or a stage key that a plain object inherits', () => {
    const doc = base();
    doc.fields.push({ key: 'constructor', type: 'text', label: { 'zh-CN': 'c', en: 'c' } });
    doc.machine.states.toString = { type: 'final' };
    doc.machine.states.lead.on.DROP_TO = 'toString';
    expect(codes(doc)).toEqual(
      expect.arrayContaining([
        ['field.reserved-key', `fields[${doc.fields.length - 1}].key`],
        ['stage.bad-key', 'machine.states.toString'],
      ]),
    );
  });

  it('offers no inherited operator to the editor', () => {
    for (const name of INHERITED) expect(OPERATORS[name]).toBeUndefined();
    expect(Object.keys(OPERATORS)).toContain('isNotEmpty');
  });

  it.each(INHERITED)('a gate on the fact %s evaluates as an unknown, empty fact', async (name) => {
    const gate = compileConditions({ all: [{ fact: name, operator: 'isNotEmpty', value: true }] });
    const r = await evaluate(gate, input, new Map());
    expect(r.passed).toBe(false);
    expect(r.failures.map((f) => f.fact)).toEqual([name]);
    const t = await traceConditions(gate, input, new Map());
    expect(t.passed).toBe(false);
    const empty = compileConditions({ all: [{ fact: name, operator: 'isEmpty', value: true }] });
    expect((await evaluate(empty, input, new Map())).passed).toBe(true);
  });

  it.each(INHERITED)('a gate with the operator %s fails instead of throwing', async (name) => {
    const gate = compileConditions({ all: [{ fact: 'budget', operator: name, value: 1 }] });
    expect((await evaluate(gate, input, new Map())).passed).toBe(false);
  });
});
