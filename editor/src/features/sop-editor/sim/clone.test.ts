import {
  chinaCalendar,
  compile,
  parseSop,
  type RecordState,
  type SopDocument,
  step,
} from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { cloneOntoDraft } from './clone.ts';

const t = (s: string) => ({ 'zh-CN': s, en: s });
const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const MIN = 60_000;

function doc(overrides: { sla?: unknown; stages?: Record<string, unknown> } = {}): SopDocument {
  const r = parseSop({
    id: 'clone-test',
    version: 2,
    name: t('clone'),
    fields: [
      { key: 'phone', type: 'phone', label: t('Phone') },
      { key: 'budget', type: 'money', label: t('Budget') },
    ],
    machine: {
      id: 'clone-test',
      initial: 'lead',
      states: {
        lead: {
          meta: {
            stage: {
              title: t('Lead'),
              checklist: [
                { id: 'call', label: t('Call') },
                { id: 'mail', label: t('Mail') },
              ],
              sla: overrides.sla ?? {
                duration: 'PT30M',
                escalations: [
                  { after: 'PT10M', kind: 'remind-owner' },
                  { after: 'PT1H', kind: 'notify-manager' },
                ],
              },
            },
          },
          on: {
            QUALIFY: {
              target: 'won',
              meta: {
                label: t('Qualify'),
                gate: { all: [{ fact: 'budget', operator: 'greaterThan', value: 0 }] },
              },
            },
          },
        },
        won: { type: 'final', meta: { stage: { title: t('Won'), outcome: 'won' } } },
        ...overrides.stages,
      },
    },
  });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message.en}`).join('\n'));
  return r.doc;
}

function source(over: Partial<RecordState> = {}): RecordState {
  return {
    id: 'rec-1',
    sopId: 'clone-test',
    sopVersion: 1,
    status: 'open',
    value: 'lead',
    fields: { phone: '13800138000', budget: 0, gone: 'x' },
    ownerId: 'u1',
    teamId: 'sales',
    stages: { lead: { enteredAt: T0, entry: 1, fieldsAtEntry: { phone: '13800138000' } } },
    checklist: { lead: ['call', 'old-item'] },
    timers: [],
    dueAt: null,
    lostReason: null,
    version: 4,
    createdAt: T0,
    updatedAt: T0 + 5 * MIN,
    ...over,
  };
}

describe('cloneOntoDraft', () => {
  it('copies fields, stage, checklist and entry time; re-times the SLA from the draft', () => {
    const c = cloneOntoDraft(doc(), source(), T0 + 20 * MIN, chinaCalendar);
    if (!c.ok) throw new Error('expected a clone');
    expect(c.record.value).toBe('lead');
    expect(c.record.fields).toEqual({ phone: '13800138000', budget: 0 });
    expect(c.droppedFields).toEqual(['gone']);
    expect(c.record.checklist).toEqual({ lead: ['call'] });
    expect(c.record.stages.lead).toMatchObject({ enteredAt: T0, entry: 1, dueAt: T0 + 30 * MIN });
    // the 10-minute reminder fell due before now: counted as fired, not pending
    expect(c.pastRungs).toBe(1);
    expect(c.record.timers.map((x) => [x.kind, x.dueAt])).toEqual([
      ['deadline', T0 + 30 * MIN],
      ['notify-manager', T0 + 60 * MIN],
    ]);
    expect(c.record.dueAt).toBe(T0 + 30 * MIN);
    expect(c.record.sopVersion).toBe(2);
  });

  it('runs on the engine: the gate sees the copied fields, a timer fires', async () => {
    const d = doc();
    const c = cloneOntoDraft(d, source(), T0 + 20 * MIN, chinaCalendar);
    if (!c.ok) throw new Error('expected a clone');
    const sop = compile(d);
    let seq = 0;
    const ctx = (now: number) => ({
      now,
      actor: { id: 'sim-user', role: 'rep' as const },
      newId: () => `e${++seq}`,
      roster: { teams: [{ id: 'sales', managerIds: ['m'], rrCursor: 0, members: [] }] },
      calendar: chinaCalendar,
    });
    const blocked = await step(sop, c.record, { type: 'perform', action: 'QUALIFY' }, ctx(T0));
    expect(blocked.ok).toBe(false);
    const due = c.record.timers[0];
    if (!due) throw new Error('expected a timer');
    const fired = await step(sop, c.record, { type: 'timer', timerId: due.id }, ctx(due.dueAt));
    expect(fired.ok && fired.events.map((e) => e.type)).toContain('timer.fired');
    const moved = await step(
      sop,
      c.record,
      { type: 'perform', action: 'QUALIFY', fields: { budget: 5 } },
      ctx(T0 + 21 * MIN),
    );
    expect(moved.ok && moved.record.status).toBe('won');
  });

  it('says which stages the draft no longer has, and keeps the fields for a fresh start', () => {
    const c = cloneOntoDraft(doc(), source({ value: 'nurture' }), T0, chinaCalendar);
    expect(c).toMatchObject({
      ok: false,
      missing: ['nurture'],
      fields: { phone: '13800138000', budget: 0 },
    });
  });

  it('leaves a closed record closed, with no timers', () => {
    const c = cloneOntoDraft(
      doc(),
      source({
        status: 'won',
        value: 'won',
        stages: { won: { enteredAt: T0, entry: 3, fieldsAtEntry: {} } },
      }),
      T0,
      chinaCalendar,
    );
    expect(c.ok && [c.record.status, c.record.timers.length, c.record.dueAt]).toEqual([
      'won',
      0,
      null,
    ]);
  });
});
