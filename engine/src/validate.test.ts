import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_CHARS, parseSop } from './sop.ts';
import { leadSopJson } from './testing/fixtures.ts';
import { checkSop } from './validate.ts';

type Json = Record<string, any>;
const base = () => structuredClone(leadSopJson) as Json;

function codes(doc: unknown): Array<[string, string]> {
  return checkSop(doc).problems.map((p) => [p.code, p.path]);
}

describe('validate', () => {
  it('accepts the fixture', () => {
    expect(checkSop(base())).toMatchObject({ ok: true, problems: [] });
  });

  it.each<[string, (d: Json) => void, string, string]>([
    [
      'an unreachable stage',
      (d) =>
        (d.machine.states.orphan = {
          meta: { stage: { title: { 'zh-CN': '孤', en: 'orphan' } } },
          on: { GO: 'lost' },
        }),
      'stage.unreachable',
      'machine.states.orphan',
    ],
    [
      'a dead end',
      (d) => (d.machine.states.screening.on = {}),
      'stage.dead-end',
      'machine.states.screening',
    ],
    [
      'a gate naming an unknown field',
      (d) => (d.machine.states.lead.on.QUALIFY.meta.gate.all[0].fact = 'mobile'),
      'condition.unknown-fact',
      'machine.states.lead.on.QUALIFY[0].meta.gate.all[0].fact',
    ],
    [
      'an unknown operator',
      (d) => (d.machine.states.lead.on.QUALIFY.meta.gate.all[0].operator = 'looksLike'),
      'condition.unknown-operator',
      'machine.states.lead.on.QUALIFY[0].meta.gate.all[0].operator',
    ],
    [
      'a zero duration',
      (d) => (d.machine.states.lead.meta.stage.sla.duration = 'PT0M'),
      'duration.zero',
      'machine.states.lead.meta.stage.sla.duration',
    ],
    [
      'an escalation with nobody to reach',
      (d) => {
        d.machine.states.screening.meta.stage.sla = {
          duration: 'PT1H',
          escalations: [{ after: 'PT1H', kind: 'notify-manager' }],
        };
      },
      'escalation.nobody',
      'machine.states.screening.meta.stage.sla.escalations[0]',
    ],
    [
      'a move to an action that is not open',
      (d) => {
        d.machine.states.lead.meta.stage.sla.escalations.push({
          after: 'PT2H',
          kind: 'move',
          action: 'FINANCE_OK',
        });
      },
      'escalation.unknown-action',
      'machine.states.lead.meta.stage.sla.escalations[3].action',
    ],
    [
      'a target that does not exist',
      (d) => (d.machine.states.screening.on.CONVERT.target = 'nowhere'),
      'xstate.bad-target',
      'machine.states.screening',
    ],
    [
      'an XState feature SOPs express as data',
      (d) => (d.machine.states.lead.after = { 1000: 'lost' }),
      'xstate.unsupported',
      'machine.states.lead.after',
    ],
    [
      'a due field that is not a date',
      (d) => (d.machine.states.followUp.states.proposal.meta.stage.sla.dueField = 'company'),
      'sla.bad-field',
      'machine.states.followUp.states.proposal.meta.stage.sla.dueField',
    ],
    [
      'a select without options',
      (d) => (d.fields[3].options = []),
      'field.no-options',
      'fields[3].options',
    ],
    [
      'a stage showing an unknown field',
      (d) => (d.machine.states.lead.meta.stage.fields = ['ghost']),
      'stage.unknown-field',
      'machine.states.lead.meta.stage.fields[0]',
    ],
    [
      'an unsafe-length pattern',
      (d) =>
        (d.machine.states.screening.on.CONVERT.meta.gate.all[1].any[0].value = `(${'a|'.repeat(150)}b)`),
      'condition.bad-value',
      'machine.states.screening.on.CONVERT[0].meta.gate.all[1].any[0].value',
    ],
  ])('reports %s with its path', (_name, mutate, code, path) => {
    const d = base();
    mutate(d);
    expect(codes(d)).toContainEqual([code, path]);
  });

  it('reports every schema problem, not only the first', () => {
    const d = base();
    d.fields[0].type = 'hologram';
    d.machine.states.lead.on.QUALIFY.meta.gate.all[0] = { fact: 'phone', value: 1 };
    d.machine.states.lead.meta.stage.sla.duration = '2 hours';
    const problems = codes(d);
    expect(problems.map((p) => p[1])).toEqual([
      'fields[0].type',
      'machine.states.lead.on.QUALIFY.meta.gate.all[0].operator',
      'machine.states.lead.meta.stage.sla.duration',
    ]);
  });
});

describe('bad input', () => {
  it('malformed JSON', () => {
    const r = parseSop('{"id": "x",');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.code).toBe('document.malformed-json');
  });

  it('a 10 MB document is refused before parsing', () => {
    const big = JSON.stringify({
      ...base(),
      description: { 'zh-CN': 'x'.repeat(10_000_000), en: '' },
    });
    expect(big.length).toBeGreaterThan(MAX_DOCUMENT_CHARS);
    const r = parseSop(big);
    expect(r.ok ? 'ok' : r.problems[0]?.code).toBe('document.too-large');
  });

  it('deeply nested conditions are refused, not evaluated', () => {
    let c: unknown = { fact: 'phone', operator: 'isEmpty', value: true };
    for (let i = 0; i < 5000; i++) c = { all: [c] };
    const d = base();
    d.machine.states.lead.on.QUALIFY.meta.gate = { all: [c] };
    const r = parseSop(JSON.stringify(d));
    expect(r.ok ? 'ok' : r.problems[0]?.code).toBe('document.too-deep');
  });

  it('unknown field types and non-objects', () => {
    expect(parseSop('[]').ok).toBe(false);
    expect(parseSop('null').ok).toBe(false);
    expect(
      codes({
        ...base(),
        fields: [{ key: 'x', type: 'hologram', label: { 'zh-CN': 'x', en: 'x' } }],
      })[0]?.[1],
    ).toBe('fields[0].type');
  });
});

describe('escalation timing', () => {
  it('allows a rung at PT0S only when the SLA counts from a due field', () => {
    const d = base();
    d.machine.states.followUp.states.proposal.meta.stage.sla.escalations = [
      { after: 'PT0S', kind: 'remind-owner' },
    ];
    expect(codes(d)).toEqual([]);
    delete d.machine.states.followUp.states.proposal.meta.stage.sla.dueField;
    expect(codes(d)).toContainEqual([
      'duration.zero',
      'machine.states.followUp.states.proposal.meta.stage.sla.escalations[0].after',
    ]);
  });
});
