import { ENGINE_EVENT_TYPES, type EngineEventData, type EngineEventType } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { i18n } from '../../shared/i18n/index.ts';
import { type Describe, describeEvent, PRESENTERS } from './event-presenters.ts';

const timer = { id: 't', stage: 'call', rung: -1, kind: 'deadline' as const, dueAt: 0 };
const DATA: { [T in EngineEventType]: EngineEventData<T> } = {
  'record.created': { recordId: 'r', sopId: 's', sopVersion: 1, fields: {}, value: 'call' },
  'fields.changed': { changes: { budget: { from: null, to: 5 } } },
  'checklist.changed': { stage: 'call', done: ['a'] },
  'action.performed': { action: 'CALL', from: 'a', to: 'b', transitions: [] },
  'gate.overridden': { action: 'CALL', reason: 'boss said so', failures: [] },
  'stage.entered': { stage: 'call', entry: 1 },
  'stage.exited': { stage: 'call' },
  'record.assigned': { userId: 'u2', teamId: 't', strategy: 'manual', from: 'u1', reason: 'x' },
  'record.handed-over': { userId: 'u2', teamId: 't', from: 'u1', reason: 'left' },
  'record.handed-off': {
    action: 'WIN',
    recordId: 'r2',
    sopId: 'after-sales',
    fields: ['company'],
    owner: 'rule',
  },
  'timer.scheduled': { timer },
  'timer.cancelled': { timerId: 't', reason: 'stage-exited' },
  'timer.fired': { timerId: 't', stage: 'call', kind: 'deadline', rung: -1 },
  'sla.breached': { stage: 'call' },
  'escalation.reminded': { stage: 'call', userIds: ['u1'] },
  'escalation.notified': { stage: 'call', userIds: ['m'] },
  'escalation.reassigned': { stage: 'call', from: 'u1', to: 'u2', ok: true },
  'escalation.move-failed': { stage: 'call', action: 'MOVE', code: 'gate-failed' },
  'record.completed': { status: 'won', stage: 'won' },
  'record.closed': { reason: 'no budget' },
  'record.reopened': { reason: null },
  'record.migrated': { from: 'a', to: 'b', fromVersion: 1, toVersion: 2, stageMap: {} },
};

const d: Describe = {
  stageTitle: (id) => `<${id}>`,
  userName: (id) => `@${id ?? ''}`,
  field: () => undefined,
  actionLabel: (a) => `[${a}]`,
  sopName: (id) => `{${id}}`,
  fieldLabel: (f) => f.key,
  value: (_def, v) => String(v),
};

describe('history presenters', () => {
  it('give every engine event type a line in zh-CN and in en', async () => {
    expect(Object.keys(PRESENTERS).sort()).toEqual([...ENGINE_EVENT_TYPES].sort());
    for (const lang of ['zh-CN', 'en'] as const) {
      await i18n.changeLanguage(lang);
      for (const type of ENGINE_EVENT_TYPES) {
        const e = { id: '1', seq: 1, type, at: 0, actorId: 'u', version: 1, data: DATA[type] };
        const line = describeEvent(e, d);
        expect(line.text, `${lang} ${type}`).not.toMatch(/^rep\.events|^[a-z]+\.[a-z-]+$/);
        expect(line.text.length).toBeGreaterThan(1);
      }
    }
  });

  it('show the lines with their names and values', async () => {
    await i18n.changeLanguage('en');
    const ev = (type: EngineEventType) => ({
      id: '1',
      seq: 1,
      type,
      at: 0,
      actorId: 'u',
      version: 1,
      data: DATA[type],
    });
    expect(describeEvent(ev('record.handed-over'), d).text).toContain('@u1');
    expect(describeEvent(ev('stage.entered'), d).text).toContain('<call>');
    expect(describeEvent(ev('fields.changed'), d).changes).toEqual([
      { key: 'budget', label: 'budget', from: 'null', to: '5' },
    ]);
    expect(describeEvent({ ...ev('sla.breached'), type: 'toString' }, d)).toEqual({
      text: 'toString',
      tone: 'gray',
    });
  });
});
