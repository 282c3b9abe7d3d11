import type { EngineEvent, EngineEventData, EngineEventType } from '@closeloop/engine';
import { getTemplate } from '@closeloop/sop-library';
import { describe, expect, it } from 'vitest';
import { trainingPaths, walkedPathKey } from './paths.ts';

const ev = <T extends EngineEventType>(type: T, data: Partial<EngineEventData<T>>): EngineEvent =>
  ({ id: type, type, at: 0, actorId: 'u', version: 1, data }) as unknown as EngineEvent;

describe('training paths', () => {
  it('names each path of the closed loop by its actions and stages', () => {
    const doc = getTemplate('closed-loop')?.doc;
    if (!doc) throw new Error('no template');
    const paths = trainingPaths(doc);
    expect(paths).toHaveLength(21);
    expect(new Set(paths.map((p) => p.key)).size).toBe(21);
    expect(paths.map((p) => p.key)).toContain('DISQUALIFY>disqualified');
    expect(trainingPaths(doc)).toBe(paths);
  });

  it('cuts loops out of a walk, as simple paths do', () => {
    const events = [
      ev('record.created', { value: 'capture' }),
      ev('action.performed', { action: 'SUBMIT', to: 'screening' }),
      ev('action.performed', { action: 'NURTURE', to: 'nurture' }),
      ev('action.performed', { action: 'REACTIVATE', to: 'screening' }),
      ev('fields.changed', {}),
      ev('action.performed', { action: 'QUALIFY', to: 'opportunity' }),
      ev('action.performed', {
        action: 'SIGN',
        to: { contract: { paperwork: 'signed', payment: 'awaitingPayment' } },
      }),
    ];
    expect(walkedPathKey(events)).toBe(
      'SUBMIT>screening|QUALIFY>opportunity|SIGN>contract.paperwork.signed+contract.payment.awaitingPayment',
    );
  });
});
