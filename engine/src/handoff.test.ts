import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { canMapField, handoffFields } from './handoff.ts';
import { type FieldDef, type Handoff, parseSop, type SopDocument } from './sop.ts';
import { step } from './step.ts';
import { leadSopJson, makeCtx } from './testing/fixtures.ts';
import type { Fields, StepResult } from './types.ts';
import { checkSop } from './validate.ts';

type Json = Record<string, any>;

const f = (type: FieldDef['type'], options?: string[]): FieldDef => ({
  key: 'k',
  type,
  label: { 'zh-CN': 'k', en: 'k' },
  ...(options
    ? { options: options.map((value) => ({ value, label: { 'zh-CN': value, en: value } })) }
    : {}),
});

/** The after-sales SOP a lead's CONVERT hands off to. */
const afterSalesJson = {
  id: 'after-sales',
  version: 3,
  name: { 'zh-CN': '售后服务', en: 'After-sales' },
  fields: [
    { key: 'customer', type: 'text', label: { 'zh-CN': '客户', en: 'Customer' } },
    { key: 'mobile', type: 'phone', label: { 'zh-CN': '手机', en: 'Mobile' } },
    { key: 'amount', type: 'number', label: { 'zh-CN': '金额', en: 'Amount' } },
    {
      key: 'tier',
      type: 'select',
      label: { 'zh-CN': '等级', en: 'Tier' },
      options: [
        { value: 'gold', label: { 'zh-CN': '金', en: 'Gold' } },
        { value: 'silver', label: { 'zh-CN': '银', en: 'Silver' } },
      ],
    },
  ],
  machine: {
    initial: 'onboarding',
    states: {
      onboarding: {
        meta: { stage: { title: { 'zh-CN': '交付', en: 'Onboarding' } } },
        on: { DONE: 'done' },
      },
      done: { type: 'final' },
    },
  },
};

function parsed(json: unknown): SopDocument {
  const r = parseSop(json);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message.en}`).join('\n'));
  return r.doc;
}

const afterSales = parsed(afterSalesJson);

function leadWith(handoff: unknown): Json {
  const d = structuredClone(leadSopJson) as Json;
  d.machine.states.screening.on.CONVERT.meta.handoff = handoff;
  return d;
}

const targets = (id: string) => (id === 'after-sales' ? afterSales : null);

describe('canMapField', () => {
  it.each<[FieldDef, FieldDef, boolean]>([
    [f('text'), f('text'), true],
    [f('phone'), f('text'), true],
    [f('select', ['a']), f('longText'), true],
    [f('number'), f('money'), true],
    [f('money'), f('number'), true],
    [f('select', ['a', 'b']), f('select', ['a', 'b', 'c']), true],
    [f('select', ['a', 'z']), f('select', ['a', 'b']), false],
    [f('multiSelect', ['a']), f('multiSelect', ['b']), false],
    [f('text'), f('number'), false],
    [f('date'), f('datetime'), false],
    [f('boolean'), f('text'), false],
    [f('text'), f('phone'), false],
    [f('multiSelect', ['a']), f('text'), false],
  ])('%o → %o is %s', (from, to, expected) => {
    expect(canMapField(from, to)).toBe(expected);
  });
});

describe('validate with handoffs', () => {
  const codes = (doc: unknown, withTargets = true) =>
    checkSop(doc, withTargets ? { targets } : {}).problems.map((p) => [p.code, p.path]);
  const at = 'machine.states.screening.on.CONVERT[0].meta.handoff';

  it('accepts a mapping of compatible fields to a published SOP', () => {
    const doc = leadWith({
      sopId: 'after-sales',
      fields: { customer: 'company', mobile: 'phone', amount: 'budget', tier: { value: 'gold' } },
      owner: 'same',
    });
    expect(codes(doc)).toEqual([]);
  });

  it('keeps old documents (no handoff) valid', () => {
    expect(codes(structuredClone(leadSopJson))).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['the SOP itself', { sopId: 'lead-follow-up' }, 'handoff.same-sop', `${at}.sopId`],
    ['an unpublished SOP', { sopId: 'nowhere' }, 'handoff.target-unpublished', `${at}.sopId`],
    [
      'an unknown source field',
      { sopId: 'after-sales', fields: { customer: 'firm' } },
      'handoff.unknown-source-field',
      `${at}.fields.customer`,
    ],
    [
      'an unknown target field',
      { sopId: 'after-sales', fields: { firm: 'company' } },
      'handoff.unknown-target-field',
      `${at}.fields.firm`,
    ],
    [
      'a text into a number',
      { sopId: 'after-sales', fields: { amount: 'company' } },
      'handoff.type-mismatch',
      `${at}.fields.amount`,
    ],
    [
      'select options the target lacks',
      { sopId: 'after-sales', fields: { tier: 'source' } },
      'handoff.type-mismatch',
      `${at}.fields.tier`,
    ],
    [
      'a literal outside the options',
      { sopId: 'after-sales', fields: { tier: { value: 'bronze' } } },
      'handoff.bad-literal',
      `${at}.fields.tier`,
    ],
  ])('reports %s', (_name, handoff, code, path) => {
    expect(codes(leadWith(handoff))).toContainEqual([code, path]);
  });

  it('names the action and the fields by their labels in both languages', () => {
    const r = checkSop(leadWith({ sopId: 'after-sales', fields: { amount: 'company' } }), {
      targets,
    });
    const p = r.problems.find((x) => x.code === 'handoff.type-mismatch');
    expect(p?.message.en).toContain('“Convert”');
    expect(p?.message.en).toContain('“Company”');
    expect(p?.message.en).toContain('“Amount”');
    expect(p?.message['zh-CN']).toContain('「转为商机」');
    expect(p?.message['zh-CN']).toContain('「公司」');
    expect(p?.stage).toBe('screening');
  });

  it('without targets checks only what the document shows', () => {
    expect(codes(leadWith({ sopId: 'nowhere', fields: { x: 'company' } }), false)).toEqual([]);
    expect(codes(leadWith({ sopId: 'nowhere', fields: { x: 'nope' } }), false)).toEqual([
      ['handoff.unknown-source-field', `${at}.fields.x`],
    ]);
  });

  it('rejects a malformed handoff when parsing', () => {
    expect(parseSop(leadWith({ sopId: 'After Sales' })).ok).toBe(false);
    expect(parseSop(leadWith({ sopId: 'a', owner: 'nobody' })).ok).toBe(false);
    expect(parseSop(leadWith({ sopId: 'a', fields: { x: { value: 1, extra: 2 } } })).ok).toBe(
      false,
    );
  });
});

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`rejected: ${r.rejection.code} ${r.rejection.message.en}`);
  return r;
}

describe('step: an action with a handoff', () => {
  const handoff: Handoff = {
    sopId: 'after-sales',
    fields: { customer: 'company', mobile: 'phone', amount: 'budget', tier: { value: 'gold' } },
    owner: { team: 'sales', strategy: 'round-robin' },
  };
  const sop = compile(parsed(leadWith(handoff)));

  async function converted(fields: Fields) {
    const { ctx } = makeCtx();
    let r = ok(await step(sop, null, { type: 'create', recordId: 'r1', fields }, ctx())).record;
    r = ok(
      await step(
        sop,
        r,
        { type: 'perform', action: 'QUALIFY', fields: { phone: '13800138000', company: 'ACME' } },
        ctx(),
      ),
    ).record;
    return ok(await step(sop, r, { type: 'perform', action: 'CONVERT', fields }, ctx()));
  }

  it('yields a handoff effect with the mapped fields and an event naming the new record', async () => {
    const r = await converted({ budget: 50000 });
    const fx = r.effects.filter((e) => e.type === 'handoff');
    expect(fx).toHaveLength(1);
    const e = fx[0];
    if (e?.type !== 'handoff') throw new Error('no handoff');
    expect(e).toMatchObject({
      sopId: 'after-sales',
      fields: { customer: 'ACME', mobile: '13800138000', amount: 50000, tier: 'gold' },
      owner: { team: 'sales', strategy: 'round-robin' },
      ownerId: r.record.ownerId,
      from: { recordId: 'r1', sopId: 'lead-follow-up', action: 'CONVERT' },
    });
    const ev = r.events.find((x) => x.type === 'record.handed-off');
    expect(ev?.data).toEqual({
      action: 'CONVERT',
      recordId: e.recordId,
      sopId: 'after-sales',
      fields: ['customer', 'mobile', 'amount', 'tier'],
      owner: { team: 'sales', strategy: 'round-robin' },
    });
  });

  it('yields nothing when the gate blocks the action', async () => {
    const { ctx } = makeCtx();
    let r = ok(await step(sop, null, { type: 'create', recordId: 'r1' }, ctx())).record;
    r = ok(
      await step(
        sop,
        r,
        { type: 'perform', action: 'QUALIFY', fields: { phone: '13800138000', company: 'ACME' } },
        ctx(),
      ),
    ).record;
    const blocked = await step(sop, r, { type: 'perform', action: 'CONVERT' }, ctx());
    expect(blocked.ok).toBe(false);
  });

  it('the target create carries its source and routes to the named team', async () => {
    const target = compile(afterSales);
    const { ctx } = makeCtx();
    const r = ok(
      await step(
        target,
        null,
        {
          type: 'create',
          recordId: 'r2',
          fields: { customer: 'ACME' },
          assign: { team: 'marketing', strategy: 'round-robin' },
          from: { recordId: 'r1', sopId: 'lead-follow-up', action: 'CONVERT' },
        },
        ctx(),
      ),
    );
    expect(r.record.ownerId).toBe('mkt1');
    expect(r.record.teamId).toBe('marketing');
    expect(r.events[0]?.data).toMatchObject({ from: { recordId: 'r1', action: 'CONVERT' } });
  });
});

describe('handoffFields (property)', () => {
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.constant(null),
  );
  const keyArb = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/);

  it('copies exactly the non-empty mapped source values and every non-empty literal', () => {
    fc.assert(
      fc.property(
        fc.dictionary(keyArb, value),
        fc.dictionary(
          keyArb,
          fc.oneof(
            keyArb,
            value.map((v) => ({ value: v })),
          ),
        ),
        (source, mapping) => {
          const out = handoffFields({ sopId: 'x', fields: mapping }, source as Fields);
          const empty = (v: unknown) =>
            v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
          for (const [to, from] of Object.entries(mapping)) {
            const v =
              typeof from === 'string'
                ? Object.hasOwn(source, from)
                  ? source[from]
                  : undefined
                : from.value;
            if (empty(v)) expect(Object.hasOwn(out, to)).toBe(false);
            else expect(out[to]).toEqual(v);
          }
          expect(Object.keys(out).every((k) => Object.hasOwn(mapping, k))).toBe(true);
        },
      ),
    );
  });
});
