import { describe, expect, it } from 'vitest';
import { blankStageData, withData } from '../../../shared/graph/sop-graph.ts';
import { initialIds, newStageNodes } from './graph-ops.ts';

describe('newStageNodes', () => {
  it('adds a selected stage with a fresh key and a numbered title', () => {
    const first = newStageNodes([], 'stage');
    expect(first.id).toBe('stage');
    const second = newStageNodes(first.nodes, 'stage');
    expect(second.id).not.toBe('stage');
    expect(second.nodes).toHaveLength(2);
    expect(second.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual([second.id]);
    const titles = second.nodes.map((n) => n.data.stage?.title.en);
    expect(new Set(titles).size).toBe(2);
  });
  it('gives a parallel group a region with a step inside', () => {
    const { id, nodes } = newStageNodes([], 'parallel');
    expect(nodes.map((n) => n.id)).toEqual([id, `${id}.region`, `${id}.region.step`]);
  });
  it('finds the stages each parent starts in', () => {
    const node = (id: string, parentId?: string) =>
      withData(
        { id, position: { x: 0, y: 0 }, ...(parentId ? { parentId } : {}) },
        blankStageData('stage', id.split('.').at(-1) ?? id),
      );
    const nodes = [node('a'), node('b')];
    expect([...initialIds({ nodes, meta: { initial: 'b' } as never })]).toEqual(['b']);
  });
});
