import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { step } from './step.ts';
import { leadSop, makeCtx, T0 } from './testing/fixtures.ts';
import type { Command, RecordState, StepContext, StepResult } from './types.ts';

const sop = compile(leadSop());
const MIN = 60_000;
const _HOUR = 60 * MIN;

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`rejected: ${r.rejection.code} ${r.rejection.message.en}`);
  return r;
}

async function run(record: RecordState | null, cmds: Command[], ctx: () => StepContext) {
  let r = record;
  for (const c of cmds) r = ok(await step(sop, r, c, ctx())).record;
  if (!r) throw new Error('no record');
  return r;
}

const qualify: Command = {
  type: 'perform',
  action: 'QUALIFY',
  fields: { phone: '13800138000', company: 'ACME' },
};
const convert: Command = { type: 'perform', action: 'CONVERT', fields: { budget: 50000 } };

describe('create', () => {
  it('enters the initial stage, assigns by the owner rule and schedules the SLA ladder', async () => {
    const { ctx } = makeCtx();
    const r = ok(
      await step(sop, null, { type: 'create', recordId: 'r1', fields: { name: '李雷' } }, ctx()),
    );
    expect(r.record.value).toBe('lead');
    expect(r.record.ownerId).toBe('rep1');
    expect(r.record.teamId).toBe('sales');
    expect(r.record.timers.map((t) => [t.kind, t.dueAt - T0])).toEqual([
      ['deadline', 15 * MIN],
      ['remind-owner', 10 * MIN],
      ['notify-manager', 15 * MIN],
      ['reassign', 30 * MIN],
    ]);
    expect(r.record.dueAt).toBe(T0 + 15 * MIN);
    expect(r.effects.filter((e) => e.type === 'scheduleTimer')).toHaveLength(4);
    expect(r.effects).toContainEqual({
      type: 'assign',
      userId: 'rep1',
      teamId: 'sales',
      strategy: 'round-robin',
      rrCursor: 1,
    });
    expect(r.effects.some((e) => e.type === 'webhook' && e.event === 'record.created')).toBe(true);
    expect(r.record.version).toBe(1);
  });

  it('routes trade-show leads to marketing by rule', async () => {
    const { ctx } = makeCtx();
    const r = ok(
      await step(sop, null, { type: 'create', recordId: 'r1', fields: { source: 'expo' } }, ctx()),
    );
    expect([r.record.ownerId, r.record.teamId]).toEqual(['mkt1', 'marketing']);
  });

  it('keeps an explicit owner', async () => {
    const { ctx } = makeCtx();
    const r = ok(await step(sop, null, { type: 'create', recordId: 'r1', ownerId: 'rep2' }, ctx()));
    expect([r.record.ownerId, r.record.teamId]).toEqual(['rep2', 'sales']);
  });

  it('rejects fields of the wrong type, naming each', async () => {
    const { ctx } = makeCtx();
    const r = await step(
      sop,
      null,
      {
        type: 'create',
        recordId: 'r1',
        fields: { phone: '12345', budget: 'lots', nope: 1 } as never,
      },
      ctx(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe('invalid-fields');
    expect(r.rejection.failures.map((f) => f.fields[0]).sort()).toEqual([
      'budget',
      'nope',
      'phone',
    ]);
  });
});

describe('perform', () => {
  it('rejects a failed gate listing every failed condition with messages and fields, changing nothing', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const r = await step(
      sop,
      rec,
      { type: 'perform', action: 'QUALIFY', fields: { name: 'x' } },
      ctx(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe('gate-failed');
    expect(r.rejection.failures.map((f) => [f.path, f.fields, f.message.en])).toEqual([
      ['all[0]', ['phone'], 'Phone is required'],
      ['all[1]', ['company'], 'Fill in “Company”'],
    ]);
    expect(r.rejection.failures[1]?.message['zh-CN']).toBe('请填写「公司」');
  });

  it('applies fields and moves when the gate passes, cancelling the old stage timers', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const r = ok(await step(sop, rec, qualify, ctx()));
    expect(r.record.value).toBe('screening');
    expect(r.record.fields.phone).toBe('13800138000');
    expect(r.record.timers).toEqual([]);
    expect(r.effects.filter((e) => e.type === 'cancelTimer')).toHaveLength(4);
    expect(r.events.map((e) => e.type)).toContain('stage.exited');
  });

  it('normalises Chinese phone numbers', async () => {
    const { ctx } = makeCtx();
    const rec = await run(
      null,
      [{ type: 'create', recordId: 'r1', fields: { phone: '+86 138-0013-8000' } }],
      ctx,
    );
    expect(rec.fields.phone).toBe('13800138000');
  });

  it('evaluates nested any groups: one alternative suffices, all alternatives listed when none holds', async () => {
    const { ctx } = makeCtx();
    const rec = await run(
      null,
      [
        { type: 'create', recordId: 'r1' },
        { ...qualify, fields: { phone: '02112345678', company: 'Initech' } },
      ],
      ctx,
    );
    const r = await step(sop, rec, convert, ctx());
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.rejection.failures.map((f) => f.path)).toEqual(['all[1].any[0]', 'all[1].any[1]']);
    ok(await step(sop, rec, { ...convert, fields: { budget: 1, company: 'ACME' } }, ctx()));
  });

  it('enters compound stages at their initial child and re-assigns by least-loaded keeping the current owner', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }, qualify, convert], ctx);
    expect(rec.value).toEqual({ followUp: 'call' });
    expect(rec.ownerId).toBe('rep1');
    expect(Object.keys(rec.stages).sort()).toEqual(['followUp', 'followUp.call']);
  });

  it('gates on the checklist of the stage being left', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }, qualify, convert], ctx);
    const blocked = await step(
      sop,
      rec,
      { type: 'perform', action: 'CALLED', checklist: { 'followUp.call': ['intro'] } },
      ctx(),
    );
    expect(blocked.ok).toBe(false);
    const r = ok(
      await step(
        sop,
        rec,
        { type: 'perform', action: 'CALLED', checklist: { 'followUp.call': ['intro', 'needs'] } },
        ctx(),
      ),
    );
    expect(r.record.value).toEqual({ followUp: 'proposal' });
  });

  it('rejects an unknown action, an action not open now, and a role not allowed', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const codes = [];
    for (const action of ['NOPE', 'CALLED']) {
      const r = await step(sop, rec, { type: 'perform', action }, ctx());
      codes.push(r.ok ? 'ok' : r.rejection.code);
    }
    const inFollowUp = await run(rec, [qualify, convert], ctx);
    const lose = await step(sop, inFollowUp, { type: 'perform', action: 'LOSE' }, ctx('rep'));
    codes.push(lose.ok ? 'ok' : lose.rejection.code);
    expect(codes).toEqual(['unknown-action', 'action-not-open', 'role-not-allowed']);
    expect(
      ok(await step(sop, inFollowUp, { type: 'perform', action: 'LOSE' }, ctx('manager'))).record
        .status,
    ).toBe('lost');
  });

  it('runs parallel regions independently and completes as won when all are final', async () => {
    const { ctx } = makeCtx();
    const rec = await run(
      null,
      [
        { type: 'create', recordId: 'r1', fields: { nextFollowUpAt: '2026-11-03T10:00:00+08:00' } },
        qualify,
        convert,
        { type: 'perform', action: 'CALLED', checklist: { 'followUp.call': ['intro', 'needs'] } },
        { type: 'perform', action: 'ACCEPTED' },
      ],
      ctx,
    );
    expect(rec.value).toEqual({ contract: { legal: 'review', finance: 'check' } });
    const legal = await run(rec, [{ type: 'perform', action: 'LEGAL_OK' }], ctx);
    expect(legal.value).toEqual({ contract: { legal: 'approved', finance: 'check' } });
    const blocked = await step(sop, legal, { type: 'perform', action: 'FINANCE_OK' }, ctx());
    expect(blocked.ok).toBe(false);
    const won = await run(
      legal,
      [{ type: 'perform', action: 'FINANCE_OK', fields: { contractNo: 'HT-2026-001' } }],
      ctx,
    );
    expect(won.value).toBe('won');
    expect(won.status).toBe('won');
    expect(won.timers).toEqual([]);
  });

  it('rejects actions on a closed record', async () => {
    const { ctx } = makeCtx();
    const rec = await run(
      null,
      [
        { type: 'create', recordId: 'r1' },
        { type: 'close', reason: '预算不足' },
      ],
      ctx,
    );
    const r = await step(sop, rec, qualify, ctx());
    expect(r.ok ? 'ok' : r.rejection.code).toBe('record-closed');
  });
});

describe('edit', () => {
  it('recomputes a deadline that depends on a field when the field changes', async () => {
    const { ctx } = makeCtx();
    const rec = await run(
      null,
      [
        { type: 'create', recordId: 'r1', fields: { nextFollowUpAt: '2026-11-03T10:00:00+08:00' } },
        qualify,
        convert,
        { type: 'perform', action: 'CALLED', checklist: { 'followUp.call': ['intro', 'needs'] } },
      ],
      ctx,
    );
    const before = rec.timers.find((t) => t.stage === 'followUp.proposal');
    expect(before?.dueAt).toBe(Date.parse('2026-11-03T14:00:00+08:00'));
    const r = ok(
      await step(
        sop,
        rec,
        { type: 'edit', fields: { nextFollowUpAt: '2026-11-05T10:00:00+08:00' } },
        ctx(),
      ),
    );
    const after = r.record.timers.find((t) => t.stage === 'followUp.proposal');
    expect(after?.dueAt).toBe(Date.parse('2026-11-05T14:00:00+08:00'));
    expect(after?.id).not.toBe(before?.id);
    expect(r.effects).toContainEqual({ type: 'cancelTimer', timerId: before?.id });
  });

  it('is a no-op without changes and rejects unknown checklist items', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1', fields: { name: 'a' } }], ctx);
    const same = ok(await step(sop, rec, { type: 'edit', fields: { name: 'a' } }, ctx()));
    expect(same.events).toEqual([]);
    const bad = await step(sop, rec, { type: 'edit', checklist: { lead: ['x'] } }, ctx());
    expect(bad.ok ? 'ok' : bad.rejection.code).toBe('invalid-command');
  });
});

describe('found by the server', () => {
  // regression: firing the deadline timer cleared dueAt, so breached records stopped looking overdue
  it('a breached stage stays overdue until the record leaves it', async () => {
    const { ctx, state } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const deadline = rec.timers.find((t) => t.kind === 'deadline');
    state.now = deadline?.dueAt ?? 0;
    const fired = await run(rec, [{ type: 'timer', timerId: deadline?.id ?? '' }], ctx);
    expect(fired.dueAt).toBe(deadline?.dueAt);
    const moved = await run(fired, [qualify], ctx);
    expect(moved.dueAt).toBeNull();
    const closed = await run(fired, [{ type: 'close', reason: 'x' }], ctx);
    expect(closed.dueAt).toBeNull();
  });

  // regression: an owner outside every team got teamId '' instead of null
  it('an explicit owner in no team leaves the team empty', async () => {
    const { ctx } = makeCtx();
    const r = ok(
      await step(sop, null, { type: 'create', recordId: 'r1', ownerId: 'outsider' }, ctx()),
    );
    expect([r.record.ownerId, r.record.teamId]).toEqual(['outsider', null]);
  });

  // regression: managers are not members, so reassigning to one failed with no-assignee
  it("a record can be reassigned to its team's manager", async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const r = ok(
      await step(sop, rec, { type: 'reassign', toUserId: 'boss' }, ctx('manager', 'boss')),
    );
    expect([r.record.ownerId, r.record.teamId]).toEqual(['boss', 'sales']);
  });
});

// regression: a rep capturing a lead for themselves was notified of their own assignment
it('does not notify people of records they assign to themselves', async () => {
  const { ctx } = makeCtx();
  const r = ok(
    await step(sop, null, { type: 'create', recordId: 'r1', ownerId: 'rep1' }, ctx('rep', 'rep1')),
  );
  expect(r.effects.filter((e) => e.type === 'notify')).toEqual([]);
  const other = ok(
    await step(sop, null, { type: 'create', recordId: 'r2', ownerId: 'rep2' }, ctx('rep', 'rep1')),
  );
  expect(other.effects.filter((e) => e.type === 'notify')).toHaveLength(1);
});
