import type { SopDocument } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import {
  blankSop,
  fitGroups,
  graphToSop,
  locateProblem,
  type StageNode,
  sopToGraph,
  targetString,
} from './sop-graph.ts';

const zh = (s: string) => ({ 'zh-CN': s, en: s });

type XNode = {
  id: string;
  type: string;
  initial?: { target: XNode[] };
  states: Record<string, XNode>;
  transitions: Map<string, Array<{ target?: XNode[] }>>;
};

/** What XState makes of a machine config: each state's type, initial and resolved targets. */
function shape(config: SopDocument['machine']) {
  const out: Record<string, unknown> = {};
  const visit = (node: XNode) => {
    const on: Record<string, string[][]> = {};
    for (const [event, list] of node.transitions) {
      on[event] = list.map((t) => (t.target ?? []).map((x) => x.id));
    }
    out[node.id] = { type: node.type, initial: node.initial?.target.map((x) => x.id), on };
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(createMachine(config as never).root as unknown as XNode);
  return out;
}

/** A statechart with every construct the editor draws. */
function sample(): SopDocument {
  return {
    id: 'lead-follow-up',
    version: 2,
    name: zh('Lead follow-up'),
    fields: [{ key: 'phone', type: 'phone', label: zh('Phone') }],
    machine: {
      id: 'lead-follow-up',
      initial: 'lead',
      context: { x: 1 },
      states: {
        lead: {
          meta: {
            stage: {
              title: zh('Lead'),
              sla: { duration: 'PT4H', clock: 'working', escalations: [] },
            },
          },
          on: {
            QUALIFY: {
              target: 'followUp',
              meta: {
                label: zh('Qualify'),
                gate: { all: [{ fact: 'phone', operator: 'isNotEmpty', value: true }] },
              },
            },
            DROP: 'lost',
          },
        },
        followUp: {
          initial: 'call',
          meta: { stage: { title: zh('Follow up') }, color: 'blue' },
          on: { GIVE_UP: { target: 'lost' } },
          states: {
            call: { on: { MEET: 'visit', NOTE: { actions: 'log' }, WIN: '#lead-follow-up.won' } },
            visit: {
              entry: ['notify'],
              on: { BACK: '#lead-follow-up.followUp.call', DEEP: '.inner' },
              initial: 'inner',
              states: { inner: {} },
            },
          },
        },
        contract: {
          type: 'parallel',
          states: {
            legal: { initial: 'a', states: { a: { on: { OK: 'b' } }, b: { type: 'final' } } },
            finance: {
              initial: 'c',
              states: { c: { id: 'fin-c', on: { PAY: { target: '#won-state' } } } },
            },
          },
        },
        won: {
          id: 'won-state',
          type: 'final',
          meta: { stage: { title: zh('Won'), outcome: 'won' } },
        },
        lost: { type: 'final' },
      },
    },
    layout: {},
  };
}

describe('sopToGraph', () => {
  it('makes one typed node per state with parents first', () => {
    const { graph, needsLayout } = sopToGraph(sample());
    expect(needsLayout).toBe(true);
    const kinds = Object.fromEntries(graph.nodes.map((n) => [n.id, n.type]));
    expect(kinds).toMatchObject({
      lead: 'stage',
      followUp: 'compound',
      'followUp.call': 'stage',
      'followUp.visit': 'compound',
      contract: 'parallel',
      'contract.legal': 'compound',
      'contract.legal.b': 'final',
      won: 'final',
    });
    const seen = new Set<string>();
    for (const n of graph.nodes) {
      if (n.parentId) expect(seen.has(n.parentId)).toBe(true);
      seen.add(n.id);
    }
  });

  it('resolves sibling, child, #path and #custom-id targets', () => {
    const { graph } = sopToGraph(sample());
    const edge = (source: string, event: string) =>
      graph.edges.find((e) => e.source === source && e.data?.event === event);
    expect(edge('lead', 'QUALIFY')?.target).toBe('followUp');
    expect(edge('lead', 'DROP')?.target).toBe('lost');
    expect(edge('followUp.call', 'WIN')?.target).toBe('won');
    expect(edge('followUp.visit', 'BACK')?.target).toBe('followUp.call');
    expect(edge('followUp.visit', 'DEEP')?.target).toBe('followUp.visit.inner');
    expect(edge('contract.finance.c', 'PAY')?.target).toBe('won');
    expect(edge('followUp.call', 'NOTE')?.data?.targetless).toBe(true);
  });
});

describe('graphToSop', () => {
  it('round-trips a statechart so XState builds the same machine', () => {
    const doc = sample();
    const back = graphToSop(sopToGraph(doc).graph);
    expect(shape(back.machine)).toEqual(shape(doc.machine));
    expect(Object.keys(shape(doc.machine))).toContain('lead-follow-up.followUp.visit.inner');
  });

  it('keeps XState keys it does not edit', () => {
    const back = graphToSop(sopToGraph(sample()).graph);
    expect(back.machine.context).toEqual({ x: 1 });
    const visit = back.machine.states.followUp?.states?.visit;
    expect(visit?.entry).toEqual(['notify']);
    expect(back.machine.states.followUp?.meta).toMatchObject({ color: 'blue' });
    expect(back.machine.states.won?.id).toBe('won-state');
  });

  it('is stable: converting twice gives the same document', () => {
    const once = graphToSop(sopToGraph(sample()).graph);
    const twice = graphToSop(sopToGraph(once).graph);
    expect(twice).toEqual(once);
  });

  it('writes positions into layout and reads them back', () => {
    const { graph } = sopToGraph(blankSop('x', zh('X')));
    const moved = graph.nodes.map((n) =>
      n.id === 'won' ? { ...n, position: { x: 500, y: 40 } } : n,
    );
    const doc = graphToSop({ ...graph, nodes: moved });
    expect(doc.layout?.won).toEqual({ x: 500, y: 40 });
    const again = sopToGraph(doc);
    expect(again.needsLayout).toBe(false);
    expect(again.graph.nodes.find((n) => n.id === 'won')?.position).toEqual({ x: 500, y: 40 });
  });

  it('repairs a compound initial that names a deleted child', () => {
    const { graph } = sopToGraph(sample());
    const nodes = graph.nodes.filter((n) => n.id !== 'followUp.call');
    const edges = graph.edges.filter(
      (e) => e.source !== 'followUp.call' && e.target !== 'followUp.call',
    );
    const doc = graphToSop({ ...graph, nodes, edges });
    expect(doc.machine.states.followUp?.initial).toBe('visit');
    expect(() => createMachine(doc.machine as never)).not.toThrow();
  });
});

describe('targetString', () => {
  it.each([
    ['a', 'b', 'b'],
    ['a', 'a.x', '.x'],
    ['a.x', 'a.y', 'y'],
    ['a.x', 'a.y.z', 'y.z'],
    ['a.x', 'b', '#m.b'],
    ['a.x.y', 'a.z', '#m.a.z'],
    ['a.x', 'a', '#m.a'],
  ])('%s → %s is %s', (source, target, expected) => {
    expect(targetString(source, target, 'm')).toBe(expected);
  });
});

describe('locateProblem', () => {
  const { graph } = sopToGraph(sample());
  it('finds a transition from its JSON path', () => {
    const r = locateProblem(graph, { path: 'machine.states.lead.on.QUALIFY.meta.gate.all[0]' });
    expect(r.nodeId).toBe('lead');
    expect(graph.edges.find((e) => e.id === r.edgeId)?.data?.event).toBe('QUALIFY');
  });
  it('finds a nested state from its JSON path', () => {
    expect(locateProblem(graph, { path: 'machine.states.followUp.states.visit.meta' }).nodeId).toBe(
      'followUp.visit',
    );
  });
  it('falls back to the stage id', () => {
    expect(locateProblem(graph, { path: 'fields[0]', stage: 'followUp.call' }).nodeId).toBe(
      'followUp.call',
    );
  });
});

describe('fitGroups', () => {
  it('grows a group around its children and keeps them inside the padding', () => {
    const nodes: StageNode[] = [
      {
        id: 'g',
        type: 'compound',
        position: { x: 0, y: 0 },
        data: { kind: 'compound', key: 'g', initial: 'a', extra: {}, metaExtra: {} },
      },
      {
        id: 'g.a',
        parentId: 'g',
        type: 'stage',
        position: { x: 0, y: 0 },
        data: { kind: 'stage', key: 'a', extra: {}, metaExtra: {} },
      },
      {
        id: 'g.b',
        parentId: 'g',
        type: 'stage',
        position: { x: 400, y: 300 },
        data: { kind: 'stage', key: 'b', extra: {}, metaExtra: {} },
      },
    ];
    const [g, a] = fitGroups(nodes);
    expect(a?.position.x).toBeGreaterThanOrEqual(24);
    expect(a?.position.y).toBeGreaterThanOrEqual(44);
    expect(g?.width).toBeGreaterThanOrEqual(400 + 24 + 200);
    expect(g?.height).toBeGreaterThanOrEqual(300 + 44 + 72);
  });
});
