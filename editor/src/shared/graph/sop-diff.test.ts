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

  it('lists every stage as added for a first version', () => {
    expect(diffSops(null, base()).map((d) => `${d.change} ${d.kind} ${d.id}`)).toEqual([
      'added stage a',
      'added stage b',
    ]);
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
