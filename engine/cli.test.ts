import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import { leadSopJson } from './src/testing/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'sop-cli-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}
const template = new URL('../sop-library/templates/closed-loop.json', import.meta.url).pathname;

describe('sop CLI', () => {
  it('accepts the closed-loop library template', async () => {
    const r = await runCli(['validate', template]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['malformed JSON', '{"id":', /not valid JSON/],
    [
      'an unknown field type',
      {
        ...leadSopJson,
        fields: [{ key: 'a', type: 'hologram', label: { 'zh-CN': 'a', en: 'a' } }],
      },
      /fields\[0\]\.type/,
    ],
    [
      'a rule naming a missing field',
      (() => {
        const d = structuredClone(leadSopJson) as any;
        d.machine.states.lead.on.QUALIFY.meta.gate.all[0].fact = 'mobile';
        return d;
      })(),
      /QUALIFY\[0\]\.meta\.gate\.all\[0\]\.fact: condition names unknown field "mobile"/,
    ],
  ])('rejects %s with the place and the reason', async (_name, content, message) => {
    const r = await runCli(['validate', file('bad.json', content)]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(message);
  });

  it('reports in Chinese with --lang zh-CN', async () => {
    const d = structuredClone(leadSopJson) as any;
    d.machine.states.lead.on.QUALIFY.meta.gate.all[0].fact = 'mobile';
    const r = await runCli(['validate', file('zh.json', d), '--lang', 'zh-CN']);
    expect(r.err.join('\n')).toMatch(/条件引用了不存在的字段「mobile」/);
  });

  it('a missing file and bad usage are errors', async () => {
    expect((await runCli(['validate', join(dir, 'none.json')])).code).toBe(1);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('simulates events and explains a blocked gate', async () => {
    const p = file('lead.json', leadSopJson);
    const ok = await runCli([
      'simulate',
      p,
      '--events',
      'QUALIFY,advance:PT1H',
      '--fields',
      '{"phone":"13800138000","company":"ACME"}',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out.at(-1)).toBe('final: "screening" (open)');
    const blocked = await runCli(['simulate', p, '--events', 'QUALIFY']);
    expect(blocked.code).toBe(1);
    expect(blocked.err.join('\n')).toMatch(/Phone is required \[phone\]/);
  });

  it('imports a plain XState machine into a valid SOP, naming what it dropped', async () => {
    const p = file('m.json', {
      id: 'Deal flow',
      initial: 'open',
      states: { open: { on: { WIN: 'won' }, entry: ['log'] }, won: { type: 'final' } },
    });
    const r = await runCli(['import-xstate', p]);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toMatch(/dropped \(machine\)\.states\.open\.entry/);
    const doc = JSON.parse(r.out.join('\n'));
    expect(doc.id).toBe('deal-flow');
    const back = await runCli(['validate', file('imported.json', doc)]);
    expect(back.code).toBe(0);
    const bad = await runCli(['import-xstate', file('notm.json', { states: 3 })]);
    expect(bad.code).toBe(1);
  });
});
