import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaCalendar } from './calendar.ts';
import {
  checkConditions,
  compileConditions,
  evaluate,
  type FactInput,
  traceConditions,
} from './conditions.ts';
import type { Condition, FieldDef, TopLevelCondition } from './sop.ts';

const NOW = Date.parse('2026-11-02T10:00:00+08:00');
const defs = new Map<string, FieldDef>(
  [
    { key: 'phone', type: 'phone' },
    { key: 'visitAt', type: 'datetime' },
    {
      key: 'tags',
      type: 'multiSelect',
      options: [{ value: 'a', label: { 'zh-CN': 'a', en: 'a' } }],
    },
    { key: 'budget', type: 'money' },
    { key: 'note', type: 'text' },
  ].map((f) => [f.key, { ...f, label: { 'zh-CN': f.key, en: f.key } } as FieldDef]),
);

function facts(fields: FactInput['fields'], extra: Partial<FactInput> = {}): FactInput {
  return {
    fields,
    ownerId: 'u1',
    teamId: 'sales',
    role: 'rep',
    activeStages: ['lead'],
    stage: 'lead',
    stageEnteredAt: NOW - 3 * 3_600_000,
    fieldsAtEntry: { budget: 100 },
    checklistItems: ['a', 'b'],
    checklistDone: ['a'],
    now: NOW,
    calendar: chinaCalendar,
    ...extra,
  };
}

async function holds(c: Condition, fields: FactInput['fields'], extra: Partial<FactInput> = {}) {
  const r = await evaluate(compileConditions({ all: [c] }), facts(fields, extra), defs);
  return r.passed;
}

describe('operators', () => {
  it.each<[string, Condition, FactInput['fields'], boolean]>([
    ['isEmpty on missing', { fact: 'note', operator: 'isEmpty', value: true }, {}, true],
    ['isEmpty on blank', { fact: 'note', operator: 'isEmpty', value: true }, { note: '  ' }, true],
    [
      'isNotEmpty on text',
      { fact: 'note', operator: 'isNotEmpty', value: true },
      { note: 'x' },
      true,
    ],
    [
      'isNotEmpty on []',
      { fact: 'tags', operator: 'isNotEmpty', value: true },
      { tags: [] },
      false,
    ],
    [
      'withinHours future',
      { fact: 'visitAt', operator: 'withinHours', value: 24 },
      { visitAt: '2026-11-03T09:00:00+08:00' },
      true,
    ],
    [
      'withinHours too far',
      { fact: 'visitAt', operator: 'withinHours', value: 24 },
      { visitAt: '2026-11-04T09:00:00+08:00' },
      false,
    ],
    ['withinHours empty', { fact: 'visitAt', operator: 'withinHours', value: 24 }, {}, false],
    [
      'withinWorkingDays over weekend',
      { fact: 'visitAt', operator: 'withinWorkingDays', value: 1 },
      { visitAt: '2026-11-02T17:00:00+08:00' },
      true,
    ],
    [
      'withinWorkingDays too far',
      { fact: 'visitAt', operator: 'withinWorkingDays', value: 1 },
      { visitAt: '2026-11-04T17:00:00+08:00' },
      false,
    ],
    [
      'matchesPattern mobile',
      { fact: 'phone', operator: 'matchesPattern', value: '^1[3-9]\\d{9}$' },
      { phone: '13800138000' },
      true,
    ],
    [
      'matchesPattern no',
      { fact: 'phone', operator: 'matchesPattern', value: '^1[3-9]\\d{9}$' },
      { phone: '02112345678' },
      false,
    ],
    ['inList scalar', { fact: 'note', operator: 'inList', value: ['x', 'y'] }, { note: 'y' }, true],
    [
      'inList multi',
      { fact: 'tags', operator: 'inList', value: ['a', 'b'] },
      { tags: ['a', 'c'] },
      false,
    ],
    [
      'changedSinceEntry yes',
      { fact: 'budget', operator: 'changedSinceEntry', value: true },
      { budget: 200 },
      true,
    ],
    [
      'changedSinceEntry no',
      { fact: 'budget', operator: 'changedSinceEntry', value: true },
      { budget: 100 },
      false,
    ],
    [
      'checklistComplete no',
      { fact: '$checklist', operator: 'checklistComplete', value: true },
      {},
      false,
    ],
    [
      'time in stage',
      { fact: '$timeInStageHours', operator: 'greaterThanInclusive', value: 3 },
      {},
      true,
    ],
    [
      'built-in greaterThan',
      { fact: 'budget', operator: 'greaterThan', value: 50 },
      { budget: 100 },
      true,
    ],
    ['greaterThan on missing', { fact: 'budget', operator: 'greaterThan', value: 50 }, {}, false],
  ])('%s', async (_name, c, f, expected) => {
    expect(await holds(c, f)).toBe(expected);
  });

  it('checklistComplete holds when every item is ticked', async () => {
    expect(
      await holds(
        { fact: '$checklist', operator: 'checklistComplete', value: true },
        {},
        { checklistDone: ['b', 'a'] },
      ),
    ).toBe(true);
  });

  it('matches hostile input against a catastrophic pattern in linear time', async () => {
    // (a+)+$ backtracks exponentially in JavaScript's RegExp; RE2 does not
    const c: Condition = { fact: 'note', operator: 'matchesPattern', value: '^(a+)+$' };
    const started = performance.now();
    expect(await holds(c, { note: `${'a'.repeat(5000)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000); // a hang guard, not a benchmark
  });

  it('reports not-groups and nested any/all failures with paths', async () => {
    const gate: TopLevelCondition = {
      all: [
        { not: { fact: 'note', operator: 'equal', value: 'spam' } },
        {
          any: [
            { all: [{ fact: 'budget', operator: 'greaterThan', value: 10 }] },
            { fact: 'phone', operator: 'isNotEmpty', value: true },
          ],
        },
      ],
    };
    const r = await evaluate(compileConditions(gate), facts({ note: 'spam' }), defs);
    expect(r.failures.map((f) => [f.path, f.fields])).toEqual([
      ['all[0]', ['note']],
      ['all[1].any[0].all[0]', ['budget']],
      ['all[1].any[1]', ['phone']],
    ]);
  });
});

describe('checkConditions', () => {
  it('names unknown facts and operators, bad values, bad patterns and excess depth', () => {
    let deep: Condition = { fact: 'note', operator: 'isEmpty', value: true };
    for (let i = 0; i < 20; i++) deep = { all: [deep] };
    const problems = [
      ...checkConditions({ all: [{ fact: 'ghost', operator: 'equal', value: 1 }] }, 'g', defs, 's'),
      ...checkConditions(
        { all: [{ fact: 'note', operator: 'resembles', value: 1 }] },
        'g',
        defs,
        's',
      ),
      ...checkConditions(
        { all: [{ fact: 'budget', operator: 'withinHours', value: 'soon' }] },
        'g',
        defs,
        's',
      ),
      ...checkConditions(
        { all: [{ fact: 'note', operator: 'matchesPattern', value: '(?<=x)y' }] },
        'g',
        defs,
        's',
      ),
      ...checkConditions(
        { all: [{ fact: 'note', operator: 'matchesPattern', value: 'a'.repeat(300) }] },
        'g',
        defs,
        's',
      ),
      ...checkConditions(deep, 'g', defs, 's'),
    ];
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['g.all[0].fact', 'condition.unknown-fact'],
      ['g.all[0].operator', 'condition.unknown-operator'],
      ['g.all[0].value', 'condition.bad-value'],
      ['g.all[0].fact', 'condition.bad-fact'],
      ['g.all[0].value', 'condition.bad-value'],
      ['g.all[0].value', 'condition.bad-value'],
      [
        'g.all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0]',
        'condition.too-deep',
      ],
    ]);
    expect(problems.every((p) => p.message['zh-CN'] && p.message.en && p.stage === 's')).toBe(true);
  });
});

describe('default messages', () => {
  // regression: English read "must be does not equal"; fact-valued values printed as JSON
  it('phrase each operator and name a compared field by its label', async () => {
    const r = await evaluate(
      compileConditions({
        all: [
          { fact: 'note', operator: 'notEqual', value: 'spam' },
          { fact: 'budget', operator: 'greaterThanInclusive', value: { fact: 'phone' } },
        ],
      }),
      facts({ note: 'spam', budget: 1, phone: '5' }),
      defs,
    );
    expect(r.failures.map((f) => [f.message.en, f.fields])).toEqual([
      ['“note” must not equal spam', ['note']],
      ['“budget” must be at least “phone”', ['budget', 'phone']],
    ]);
    expect(r.failures[1]?.message['zh-CN']).toBe('「budget」不能小于「phone」');
  });
});

describe('date-only values', () => {
  // regression: YYYY-MM-DD was read as UTC midnight (08:00 in Shanghai)
  it('count from local midnight of the calendar', async () => {
    const now = Date.parse('2026-11-02T20:00:00+08:00'); // 4 h before local midnight, 12 h before UTC midnight
    const day = { ...defs.get('visitAt'), key: 'visitDay', type: 'date' } as FieldDef;
    const d2 = new Map(defs).set('visitDay', day);
    const c = compileConditions({ all: [{ fact: 'visitDay', operator: 'withinHours', value: 5 }] });
    expect((await evaluate(c, facts({ visitDay: '2026-11-03' }, { now }), d2)).passed).toBe(true);
  });
});

describe('traceConditions', () => {
  const trace = (c: TopLevelCondition, fields: FactInput['fields'], extra?: Partial<FactInput>) =>
    traceConditions(compileConditions(c), facts(fields, extra), defs);

  it('gives every leaf of nested all/any/not groups with its expected and actual value', async () => {
    const t = await trace(
      {
        all: [
          { fact: 'phone', operator: 'isNotEmpty', value: true },
          {
            any: [
              { fact: 'budget', operator: 'greaterThan', value: 500 },
              {
                fact: 'tags',
                operator: 'contains',
                value: 'a',
                message: { 'zh-CN': '标签', en: 'tag' },
              },
            ],
          },
          { not: { fact: 'note', operator: 'equal', value: 'spam' } },
        ],
      },
      { phone: '', budget: 100, tags: ['a'], note: 'ok' },
    );
    expect(t.passed).toBe(false);
    expect(t.root).toMatchObject({ kind: 'all', path: '(gate)', passed: false });
    if (t.root.kind !== 'all') throw new Error('expected an all group');
    const [phone, any, not] = t.root.children;
    expect(phone).toMatchObject({
      kind: 'leaf',
      path: 'all[0]',
      fact: 'phone',
      operator: 'isNotEmpty',
      expected: true,
      actual: '',
      passed: false,
      message: { en: 'Fill in “phone”' },
    });
    expect(any).toMatchObject({ kind: 'any', path: 'all[1]', passed: true });
    if (any?.kind !== 'any') throw new Error('expected an any group');
    expect(any.children).toMatchObject([
      { path: 'all[1].any[0]', fact: 'budget', expected: 500, actual: 100, passed: false },
      { path: 'all[1].any[1]', actual: ['a'], passed: true, message: { en: 'tag' } },
    ]);
    expect(not).toMatchObject({
      kind: 'not',
      passed: true,
      child: { kind: 'leaf', fact: 'note', actual: 'ok', passed: false },
    });
  });

  it('shows what the engine compared for derived operators and fact references', async () => {
    const t = await trace(
      {
        all: [
          { fact: 'visitAt', operator: 'withinHours', value: 24 },
          { fact: 'budget', operator: 'changedSinceEntry', value: true },
          { fact: 'budget', operator: 'greaterThan', value: { fact: 'floor' } },
          { fact: '$checklist', operator: 'checklistComplete', value: true },
          { fact: '$timeInStageHours', operator: 'lessThan', value: 2 },
        ],
      },
      { visitAt: '2026-11-02T16:00:00+08:00', budget: 100, floor: 50 },
    );
    if (t.root.kind !== 'all') throw new Error('expected an all group');
    expect(t.root.children).toMatchObject([
      { actual: '2026-11-02T16:00:00+08:00', compared: 6, passed: true },
      { actual: 100, compared: false, passed: false },
      { expected: 50, value: { fact: 'floor' }, actual: 100, passed: true },
      { actual: { items: ['a', 'b'], done: ['a'] }, passed: false },
      { actual: 3, passed: false },
    ]);
    expect(t.passed).toBe(false);
  });

  it('fails a leaf whose operator refuses its input, as evaluate does', async () => {
    const t = await trace({ all: [{ fact: 'note', operator: 'noSuchOperator', value: 1 }] }, {});
    expect(t.passed).toBe(false);
    const e = await evaluate(
      compileConditions({ all: [{ fact: 'note', operator: 'noSuchOperator', value: 1 }] }),
      facts({}),
      defs,
    );
    expect(e.passed).toBe(false);
  });

  it('always agrees with evaluate (property)', async () => {
    const leaf = fc.oneof(
      fc.record({
        fact: fc.constantFrom('phone', 'note', 'budget'),
        operator: fc.constantFrom('isNotEmpty', 'isEmpty'),
        value: fc.boolean(),
      }),
      fc.record({
        fact: fc.constant('budget'),
        operator: fc.constantFrom('greaterThan', 'lessThanInclusive', 'equal'),
        value: fc.integer({ min: -10, max: 10 }),
      }),
      fc.record({
        fact: fc.constant('tags'),
        operator: fc.constantFrom('contains', 'doesNotContain'),
        value: fc.constantFrom('a', 'b'),
      }),
    );
    const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('tree') }),
      ),
    }));
    const fields = fc.record({
      phone: fc.constantFrom('', '13800138000', null),
      note: fc.constantFrom('', 'x'),
      budget: fc.integer({ min: -10, max: 10 }),
      tags: fc.constantFrom<string[]>([], ['a'], ['a', 'b']),
    });
    await fc.assert(
      fc.asyncProperty(tree, fields, async (c, f) => {
        const compiled = compileConditions({ all: [c] });
        const [t, e] = await Promise.all([
          traceConditions(compiled, facts(f), defs),
          evaluate(compiled, facts(f), defs),
        ]);
        expect(t.passed).toBe(e.passed);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fact-valued comparisons', () => {
  // regression: a value naming another fact ({ fact: 'leaver' }) compared against undefined
  it('read the named fact', async () => {
    const c = compileConditions({
      all: [{ fact: 'note', operator: 'notEqual', value: { fact: 'phone' } }],
    });
    expect((await evaluate(c, facts({ note: 'a', phone: 'a' }), defs)).passed).toBe(false);
    expect((await evaluate(c, facts({ note: 'a', phone: 'b' }), defs)).passed).toBe(true);
  });
});
