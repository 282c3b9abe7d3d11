import type { SopDocument } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { diffSops } from './sop-diff.ts';

const zh = (s: string) => ({ 'zh-CN': s, en: s });

function base(): SopDocument {
  return {
    id: 'x',
    version: 1,
    name: zh('X'),
    fields: [{ key: 'phone', type: 'phone', label: zh('Phone') }],
    machine: {
      initial: 'a',
      states: {
        a: {
          meta: {
            stage: { title: zh('A'), sla: { duration: 'PT4H', clock: 'wall', escalations: [] } },
          },
          on: {
            GO: {
              target: 'b',
              meta: { gate: { all: [{ fact: 'phone', operator: 'isNotEmpty', value: true }] } },
            },
          },
        },
        b: { type: 'final', meta: { stage: { title: zh('B') } } },
      },
    },
  };
}

describe('diffSops', () => {
  it('finds nothing between equal documents', () => {
    expect(diffSops(base(), base())).toEqual([]);
  });

  // a first publish used to list the stages only, not their actions, gates and SLAs
  it('lists every stage, action, gate, SLA and field as added for a first version', () => {
    expect(diffSops(null, base()).map((d) => `${d.change} ${d.kind} ${d.id}`)).toEqual([
      'added stage a',
      'added sla a',
      'added stage b',
      'added action a › GO',
      'added gate a › GO',
      'added field phone',
    ]);
  });

  it('gives an SLA change its durations and an action the stage it leaves', () => {
    const after = base();
    const a = after.machine.states.a;
    if (!a?.meta?.stage) throw new Error('fixture');
    a.meta.stage.sla = { duration: 'PT8H', clock: 'wall', escalations: [] };
    a.on = { GO: { target: 'b', meta: { label: zh('Go') } } };
    const out = diffSops(base(), after);
    expect(out.find((d) => d.kind === 'sla')?.durations).toEqual({ before: 'PT4H', after: 'PT8H' });
    expect(out.find((d) => d.kind === 'action')).toMatchObject({
      change: 'changed',
      label: zh('Go'),
      from: zh('A'),
    });
  });

  it('reports stages, actions, gates, SLAs and fields separately', () => {
    const after = base();
    const a = after.machine.states.a;
    if (!a?.meta?.stage) throw new Error('fixture');
    a.meta.stage.sla = { duration: 'PT8H', clock: 'working', escalations: [] };
    a.on = { GO: { target: 'b' }, DROP: { target: 'c' } };
    after.machine.states.c = {
      type: 'final',
      meta: { stage: { title: zh('C'), outcome: 'lost' } },
    };
    after.fields.push({ key: 'budget', type: 'money', label: zh('Budget') });
    const lines = diffSops(base(), after).map((d) => `${d.change} ${d.kind} ${d.id}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'changed sla a',
        'removed gate a › GO',
        'added action a › DROP',
        'added stage c',
        'added field budget',
      ]),
    );
    expect(lines).not.toContain('changed stage a');
  });
});
