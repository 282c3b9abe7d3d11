import { describe, expect, it } from 'vitest';
import type { FieldDef, OpenAction } from './api.ts';
import {
  draftAfterSave,
  draftWith,
  neededByOf,
  stageTimeLeft,
  visitedStages,
} from './record-logic.ts';

const defs = new Map<string, FieldDef>([
  ['name', { key: 'name', type: 'text', label: { en: 'Name', 'zh-CN': 'Name' } } as FieldDef],
  [
    'budget',
    { key: 'budget', type: 'number', label: { en: 'Budget', 'zh-CN': 'Budget' } } as FieldDef,
  ],
]);

describe('record draft', () => {
  it('drops a field typed back to its saved value', () => {
    expect(draftWith({}, defs, { name: 'Li' }, 'name', 'Wang')).toEqual({ name: 'Wang' });
    expect(draftWith({ name: 'Wang' }, defs, { name: 'Li' }, 'name', 'Li')).toEqual({});
  });
  it('keeps only what differs from the saved answer', () => {
    expect(draftAfterSave({ name: 'Li', budget: 5 }, defs, { name: 'Li', budget: 3 })).toEqual({
      budget: 5,
    });
  });
});

describe('record page helpers', () => {
  it('lists the fields the main action still needs', () => {
    const a = {
      action: 'QUALIFY',
      label: { en: 'Qualify', 'zh-CN': 'Qualify' },
      passed: false,
      failures: [{ fields: ['budget'] }, { fields: ['budget', 'name'] }],
    } as unknown as OpenAction;
    expect([...neededByOf(a)]).toEqual([
      ['budget', ['Qualify']],
      ['name', ['Qualify']],
    ]);
    expect(neededByOf({ ...a, passed: true }).size).toBe(0);
    expect(neededByOf(undefined).size).toBe(0);
  });
  it('takes the nearest deadline of a stage or its parent', () => {
    const record = {
      timers: [
        { id: 'a', stage: 'call', rung: -1, kind: 'deadline' as const, dueAt: 50_000_000 },
        { id: 'b', stage: 'call.first', rung: -1, kind: 'deadline' as const, dueAt: 90_000_000 },
      ],
    };
    expect(stageTimeLeft(record, 'call.first', () => 'wall', 0)?.state).toBe('ok');
    expect(stageTimeLeft(record, 'call.first', () => 'wall', 60_000_000)?.state).toBe('overdue');
    expect(stageTimeLeft(record, 'other', () => 'wall', 0)).toBeNull();
  });
  it('collects the stages entered', () => {
    const ev = (stage: unknown) => ({
      id: 'e',
      seq: 1,
      type: 'stage.entered',
      at: 0,
      actorId: 'u',
      version: 1,
      data: { stage },
    });
    expect([...visitedStages([ev('a'), ev(3), ev('b')])]).toEqual(['a', 'b']);
  });
});
