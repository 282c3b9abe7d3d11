import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { replay } from './evolve.ts';
import { openActions } from './open-actions.ts';
import { step } from './step.ts';
import { leadSop, makeCtx, roster, T0 } from './testing/fixtures.ts';
import type { Command, RecordState, StepContext, StepResult } from './types.ts';

const sop = compile(leadSop());
const MIN = 60_000;
const HOUR = 60 * MIN;

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

describe('timers and escalation', () => {
  it('fires the ladder: remind owner, notify manager, breach, reassign to someone else', async () => {
    const { ctx, state } = makeCtx();
    let rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const fired: string[] = [];
    const notified: string[][] = [];
    for (const t of [...rec.timers].sort((a, b) => a.dueAt - b.dueAt || a.rung - b.rung)) {
      state.now = t.dueAt;
      const r = ok(await step(sop, rec, { type: 'timer', timerId: t.id }, ctx('admin', 'system')));
      rec = r.record;
      fired.push(t.kind);
      notified.push(
        r.effects.flatMap((e) => (e.type === 'notify' ? [`${e.kind}:${e.userIds.join('+')}`] : [])),
      );
    }
    expect(fired).toEqual(['remind-owner', 'deadline', 'notify-manager', 'reassign']);
    expect(notified).toEqual([
      ['reminder:rep1'],
      ['overdue:rep1'],
      ['escalation:boss'],
      ['assigned:rep2', 'escalation:rep1'],
    ]);
    expect(rec.ownerId).toBe('rep2');
    expect(rec.timers).toEqual([]);
  });

  it('rejects a timer that was cancelled or already fired', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const id = rec.timers[0]?.id ?? '';
    const fired = await run(rec, [{ type: 'timer', timerId: id }], ctx);
    const again = await step(sop, fired, { type: 'timer', timerId: id }, ctx());
    expect(again.ok ? 'ok' : again.rejection.code).toBe('unknown-timer');
    const moved = await run(rec, [qualify], ctx);
    const stale = await step(
      sop,
      moved,
      { type: 'timer', timerId: rec.timers[1]?.id ?? '' },
      ctx(),
    );
    expect(stale.ok ? 'ok' : stale.rejection.code).toBe('unknown-timer');
  });

  it('counts working time over a 调休 weekend for the follow-up SLA', async () => {
    // Friday 2026-10-09 17:00: P2D working → Monday 10-12 17:00, because Saturday 10-10 is a working day
    const { ctx } = makeCtx({ now: Date.parse('2026-10-09T17:00:00+08:00') });
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }, qualify, convert], ctx);
    const due = rec.timers.find((t) => t.stage === 'followUp' && t.kind === 'deadline');
    expect(new Date(due?.dueAt ?? 0).toISOString()).toBe('2026-10-12T09:00:00.000Z');
  });
});

describe('reassign, close, reopen, override', () => {
  it('reassigns to a named active member and refuses an unknown one', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const r = ok(
      await step(
        sop,
        rec,
        { type: 'reassign', toUserId: 'rep2', reason: '休假' },
        ctx('manager', 'boss'),
      ),
    );
    expect(r.record.ownerId).toBe('rep2');
    const bad = await step(
      sop,
      rec,
      { type: 'reassign', toUserId: 'ghost' },
      ctx('manager', 'boss'),
    );
    expect(bad.ok ? 'ok' : bad.rejection.code).toBe('no-assignee');
  });

  it('reassigns by the stage rules to someone other than the current owner', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const r = ok(await step(sop, rec, { type: 'reassign' }, ctx('manager', 'boss')));
    expect(r.record.ownerId).toBe('rep2');
  });

  it('reports no assignee when everyone is away or at their cap', async () => {
    const full = roster();
    for (const t of full.teams) for (const m of t.members) m.away = true;
    const { ctx } = makeCtx({ roster: full });
    const r = ok(await step(sop, null, { type: 'create', recordId: 'r1' }, ctx()));
    expect(r.record.ownerId).toBeNull();
  });

  it('closes as lost with a reason, cancels timers, and reopens with fresh timers', async () => {
    const { ctx, state } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const noReason = await step(sop, rec, { type: 'close', reason: '  ' }, ctx());
    expect(noReason.ok).toBe(false);
    const closed = ok(await step(sop, rec, { type: 'close', reason: '客户已选竞品' }, ctx()));
    expect([closed.record.status, closed.record.lostReason, closed.record.timers.length]).toEqual([
      'lost',
      '客户已选竞品',
      0,
    ]);
    state.now += HOUR;
    const reopened = ok(await step(sop, closed.record, { type: 'reopen' }, ctx()));
    expect(reopened.record.status).toBe('open');
    expect(reopened.record.timers.map((t) => t.dueAt - state.now)).toEqual([
      15 * MIN,
      10 * MIN,
      15 * MIN,
      30 * MIN,
    ]);
    const twice = await step(sop, reopened.record, { type: 'reopen' }, ctx());
    expect(twice.ok ? 'ok' : twice.rejection.code).toBe('record-open');
  });

  it('lets only an admin override a gate, with a reason, recorded as such', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const asRep = await step(
      sop,
      rec,
      { type: 'override', action: 'QUALIFY', reason: 'x' },
      ctx('rep'),
    );
    expect(asRep.ok ? 'ok' : asRep.rejection.code).toBe('role-not-allowed');
    const noReason = await step(
      sop,
      rec,
      { type: 'override', action: 'QUALIFY', reason: '' },
      ctx('admin'),
    );
    expect(noReason.ok).toBe(false);
    const r = ok(
      await step(
        sop,
        rec,
        { type: 'override', action: 'QUALIFY', reason: '老客户转介绍' },
        ctx('admin'),
      ),
    );
    expect(r.record.value).toBe('screening');
    const o = r.events.find((e) => e.type === 'gate.overridden');
    expect(o?.data.reason).toBe('老客户转介绍');
    expect(o?.data.failures).toHaveLength(2);
  });
});

describe('openActions and replay', () => {
  it('lists open actions with their gate verdicts and the fields they still need', async () => {
    const { ctx } = makeCtx();
    const rec = await run(null, [{ type: 'create', recordId: 'r1' }], ctx);
    const acts = await openActions(sop, rec, ctx());
    expect(acts.map((a) => [a.action, a.passed, a.fields])).toEqual([
      ['QUALIFY', false, ['phone', 'company']],
      ['DISQUALIFY', true, []],
    ]);
  });

  it('rebuilds the record from its events', async () => {
    const { ctx } = makeCtx();
    const events = [];
    let rec: RecordState | null = null;
    for (const c of [
      { type: 'create', recordId: 'r1' } as Command,
      qualify,
      convert,
      { type: 'close', reason: 'x' } as Command,
    ]) {
      const r = ok(await step(sop, rec, c, ctx()));
      events.push(...r.events);
      rec = r.record;
    }
    expect(replay(events)).toEqual(rec);
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
