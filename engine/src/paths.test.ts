// Regression: paths were counted by listing them all (18 stages × 2 actions: ~1 GB per
// library visit) and a 5,000-stage SOP passed validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { SOP_LIMITS } from './limits.ts';
import { countPaths, enumeratePaths, PATH_LIMITS, pathGraph } from './paths.ts';
import { parseSop, type SopDocument } from './sop.ts';
import { chartSopJson } from './testing/charts.ts';
import { checkSop } from './validate.ts';

const t = (s: string) => ({ 'zh-CN': s, en: s });

function chartSop(n: number, to: (i: number) => number[]): SopDocument {
  const parsed = parseSop(chartSopJson(n, to));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems.slice(0, 3)));
  return parsed.doc;
}

describe('path counting', () => {
  it('counts 2^18 paths of an 18-stage SOP with two actions per stage without listing them', () => {
    const doc = chartSop(18, (i) => [i + 1, i + 1]);
    expect(checkSop(doc).problems).toEqual([]);
    expect(countPaths(doc)).toEqual({ count: 2 ** 18, exact: true });
    // the graph holds configurations, not paths
    expect(pathGraph(compile(doc)).nodes).toHaveLength(19);
    // listing stops at its limit
    expect(enumeratePaths(doc, 50)).toHaveLength(50);
  });

  it('refuses a 5,000-stage SOP in validate, naming the limit, and stays bounded counting it', () => {
    const doc = chartSop(5000, (i) => [i + 1, i + 2]);
    const problems = checkSop(doc).problems;
    expect(problems.map((p) => p.code)).toEqual(['limit.stages', 'limit.actions']);
    expect(problems[0]?.message.en).toBe(`stages: 5001, the limit is ${SOP_LIMITS.stages}`);
    expect(problems[0]?.message['zh-CN']).toBe(`阶段数为 5001，上限为 ${SOP_LIMITS.stages}`);
    // not explored at all: it can never be published
    expect(countPaths(doc)).toEqual({ count: 0, exact: false });
    expect(enumeratePaths(doc, 10)).toEqual([]);
  });

  it('stops exploring stage combinations of parallel regions at the configuration limit', () => {
    // four parallel regions of ten stages: 11^4 combinations, within every document limit
    const region = (r: number) => {
      const states: Record<string, unknown> = {};
      for (let i = 0; i < 10; i++) {
        states[`r${r}s${i}`] = {
          meta: { stage: { title: t(`r${r}s${i}`) } },
          on: { [`R${r}`]: { target: i === 9 ? `r${r}end` : `r${r}s${i + 1}` } },
        };
      }
      states[`r${r}end`] = { type: 'final', meta: { stage: { title: t('end') } } };
      return { initial: `r${r}s0`, states };
    };
    const parsed = parseSop({
      id: 'wide',
      version: 1,
      name: t('wide'),
      fields: [],
      machine: {
        id: 'wide',
        initial: 'work',
        states: {
          work: {
            type: 'parallel',
            meta: { stage: { title: t('work') } },
            states: Object.fromEntries([0, 1, 2, 3].map((r) => [`region${r}`, region(r)])),
            onDone: 'done',
          },
          done: { type: 'final', meta: { stage: { title: t('done'), outcome: 'won' } } },
        },
      },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(checkSop(parsed.doc).problems.filter((p) => p.code.startsWith('limit.'))).toEqual([]);
    const graph = pathGraph(compile(parsed.doc));
    expect(graph.complete).toBe(false);
    expect(graph.nodes.length).toBeLessThanOrEqual(PATH_LIMITS.configurations);
    expect(countPaths(parsed.doc).exact).toBe(false);
    expect(enumeratePaths(parsed.doc, 5)).toHaveLength(0);
  });

  it('caps the search where loops make the count exponential', () => {
    // every stage may go forward one or two, or back to the start: simple paths explode
    const doc = chartSop(40, (i) => [i + 1, i + 2, 0]);
    const c = countPaths(doc);
    expect(c.exact).toBe(false);
    expect(c.count).toBeGreaterThan(0);
    expect(c.count).toBeLessThanOrEqual(PATH_LIMITS.count);
  });

  it('names other limits: actions per stage and nesting depth', () => {
    const wide = chartSop(2, (i) => Array.from({ length: i === 0 ? 31 : 1 }, () => i + 1));
    expect(checkSop(wide).problems.map((p) => [p.code, p.path])).toEqual([
      ['limit.actions-per-stage', 'machine.states.s0.on'],
    ]);
    const deep = structuredClone(chartSop(1, () => [1])) as { machine: Record<string, unknown> };
    let at = deep.machine.states as Record<string, Record<string, unknown>>;
    for (let d = 0; d < SOP_LIMITS.nestingDepth; d++) {
      const inner = { initial: 'x', states: { x: { type: 'final' } } };
      at.s0 = { ...at.s0, initial: 'x', states: { x: inner } };
      at = inner.states as never;
    }
    expect(checkSop(deep).problems.map((p) => p.code)).toContain('limit.nesting-depth');
  });

  it('counts exactly what a full listing finds, on small charts with loops', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.array(fc.nat(8), { minLength: 1, maxLength: 3 }), {
          minLength: 7,
          maxLength: 7,
        }),
        (n, edges) => {
          const doc = chartSop(n, (i) => (edges[i] ?? [n]).map((j) => Math.min(j, n)));
          const listed = enumeratePaths(doc, 1_000_000).length;
          expect(countPaths(doc)).toEqual({ count: listed, exact: true });
        },
      ),
      { numRuns: 200 },
    );
  });
});
