/** step(): timers and escalation, reassign, close, reopen, override, replay. */
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { replay } from './evolve.ts';
import { openActions } from './open-actions.ts';
import { step } from './step.ts';
import { leadSop, makeCtx, roster } from './testing/fixtures.ts';
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
