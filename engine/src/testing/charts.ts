/** Generated SOP charts of any size, for tests of limits and path counting. */

const t = (s: string) => ({ 'zh-CN': s, en: s });

/**
 * Stages s0…s(n-1) then the final `done`; stage i has one action per entry of `to(i)`, to the
 * stage of that index (n or more: `done`). Plain JSON, as a client would send it.
 *
 * @example
 * chartSopJson(18, (i) => [i + 1, i + 1]); // 2^18 paths
 */
export function chartSopJson(n: number, to: (i: number) => number[], id = `chart-${n}`) {
  const states: Record<string, unknown> = {};
  const name = (j: number) => (j >= n ? 'done' : `s${j}`);
  for (let i = 0; i < n; i++) {
    const on: Record<string, unknown> = {};
    to(i).forEach((j, k) => {
      on[`A${k}`] = { target: name(j), meta: { label: t(`A${k}`) } };
    });
    states[`s${i}`] = { meta: { stage: { title: t(`s${i}`) } }, on };
  }
  states.done = { type: 'final', meta: { stage: { title: t('done'), outcome: 'won' } } };
  return { id, version: 1, name: t(id), fields: [], machine: { id, initial: 's0', states } };
}
