/**
 * step(sop, record, command, ctx): the engine's one entry point for changing a record.
 *
 * Decide, then evolve: each handler checks the command against the record, emits events
 * (applied at once through `evolve`, so later logic sees them) and effects for the server.
 * Gates run in json-rules-engine before XState's pure `transition()`; the machine's guard
 * only reads the precomputed results carried on the event.
 */
import { pickAssignee } from './assignment.ts';
import { activeStages, type CompiledSop, machineStart, snapshotOf } from './compile.ts';
import { checkFields } from './fields.ts';
import { Decision, reject } from './step-decision.ts';
import {
  applyEdits,
  checklistChanges,
  fieldChanges,
  fieldChangesReject,
  perform,
} from './step-perform.ts';
import {
  applyPick,
  cancelTimers,
  completeIfDone,
  enterStages,
  exitStages,
  reassignByRules,
  teamOf,
} from './step-stages.ts';
import type { Command, RecordState, StepContext, StepResult } from './types.ts';

async function create(d: Decision, cmd: Extract<Command, { type: 'create' }>): Promise<StepResult> {
  if (d.record)
    return reject('invalid-command', { 'zh-CN': '记录已存在', en: 'the record already exists' });
  const checked = checkFields(d.sop.fieldDefs, cmd.fields ?? {});
  if (!checked.ok) {
    d.record = null;
    return fieldChangesReject(checked.problems);
  }
  const snap = machineStart(d.sop.machine);
  d.emit('record.created', {
    recordId: cmd.recordId,
    sopId: d.sop.doc.id,
    sopVersion: d.sop.doc.version,
    fields: checked.fields,
    value: snap.value,
    ...(cmd.from ? { from: cmd.from } : {}),
  });
  if (cmd.ownerId) {
    applyPick(
      d,
      {
        userId: cmd.ownerId,
        teamId: cmd.teamId ?? teamOf(d, cmd.ownerId),
        rrCursor: d.ctx.roster.teams.find((t) => t.id === cmd.teamId)?.rrCursor ?? 0,
        strategy: 'named',
      },
      'created',
    );
  }
  await enterStages(d, activeStages(snap.value), !cmd.ownerId && !cmd.assign);
  if (!cmd.ownerId && cmd.assign) {
    const p = pickAssignee(cmd.assign, d.ctx.roster, []);
    if (p) applyPick(d, p, 'created');
  }
  completeIfDone(d, snap.status === 'done');
  return d.done('record.created');
}

async function reassign(
  d: Decision,
  cmd: Extract<Command, { type: 'reassign' }>,
): Promise<StepResult> {
  if (cmd.toUserId) {
    const team = cmd.teamId ?? teamOf(d, cmd.toUserId);
    const t = d.ctx.roster.teams.find((x) => x.id === team);
    const member = t?.members.find((m) => m.userId === cmd.toUserId);
    // a team's manager may take a record too; members must be active
    const allowed = member ? member.active : !!t?.managerIds.includes(cmd.toUserId);
    if (!team || !allowed) {
      return reject('no-assignee', {
        'zh-CN': '该用户不是在职的团队成员',
        en: 'that user is not an active team member',
      });
    }
    if (cmd.toUserId === d.r.ownerId) return d.done();
    const from = d.r.ownerId;
    d.emit('record.assigned', {
      userId: cmd.toUserId,
      teamId: team,
      strategy: 'manual',
      from,
      reason: cmd.reason ?? 'manual',
    });
    d.effects.push({ type: 'assign', userId: cmd.toUserId, teamId: team, strategy: 'manual' });
    d.notify([cmd.toUserId], 'assigned', {
      'zh-CN': '有一条记录转给了你',
      en: 'A record was reassigned to you',
    });
    return d.done('record.reassigned');
  }
  const ok = await reassignByRules(d, cmd.reason ?? 'manual');
  return ok
    ? d.done('record.reassigned')
    : reject('no-assignee', {
        'zh-CN': '没有可接手的成员',
        en: 'nobody is available to take the record',
      });
}

/** Reassigns by the deepest active stage's owner policy, else the record's team round-robin; never to the current owner. */
async function fireTimer(d: Decision, timerId: string): Promise<StepResult> {
  const timer = d.r.timers.find((t) => t.id === timerId);
  if (!timer || d.r.status !== 'open') {
    return reject('unknown-timer', {
      'zh-CN': '计时器已失效',
      en: 'the timer is no longer pending',
    });
  }
  d.emit('timer.fired', { timerId, stage: timer.stage, kind: timer.kind, rung: timer.rung });
  const stage = d.sop.stageById.get(timer.stage);
  const title = stage?.meta?.title ?? { 'zh-CN': timer.stage, en: timer.stage };
  const rung = stage?.meta?.sla?.escalations?.[timer.rung];
  const managers = d.ctx.roster.teams.find((t) => t.id === d.r.teamId)?.managerIds ?? [];
  switch (timer.kind) {
    case 'deadline':
      d.emit('sla.breached', { stage: timer.stage });
      d.notify([d.r.ownerId], 'overdue', {
        'zh-CN': `「${title['zh-CN']}」已超时`,
        en: `“${title.en}” is overdue`,
      });
      return d.done('record.overdue');
    case 'remind-owner':
      d.emit('escalation.reminded', { stage: timer.stage, userIds: [d.r.ownerId] });
      d.notify([d.r.ownerId], 'reminder', {
        'zh-CN': `提醒：请尽快处理「${title['zh-CN']}」`,
        en: `Reminder: “${title.en}” is due soon`,
      });
      return d.done();
    case 'notify-manager': {
      const to = [...managers, ...(rung?.notify ?? [])];
      d.emit('escalation.notified', { stage: timer.stage, userIds: to });
      d.notify(to, 'escalation', {
        'zh-CN': `升级：「${title['zh-CN']}」超时未处理`,
        en: `Escalation: “${title.en}” has not been handled in time`,
      });
      return d.done('record.escalated');
    }
    case 'reassign': {
      const from = d.r.ownerId;
      const ok = await reassignByRules(d, 'escalation', rung?.assign);
      d.emit('escalation.reassigned', { stage: timer.stage, from, to: d.r.ownerId, ok });
      if (ok)
        d.notify([from], 'escalation', {
          'zh-CN': `「${title['zh-CN']}」超时，已转给他人`,
          en: `“${title.en}” was overdue and has been reassigned`,
        });
      return d.done('record.escalated');
    }
    case 'move': {
      const action = rung?.action ?? '';
      const sub = await perform(d, action, undefined, undefined, {
        kind: 'system',
        reason: 'escalation',
      });
      if (!sub.ok)
        d.emit('escalation.move-failed', { stage: timer.stage, action, code: sub.rejection.code });
      return d.done('record.escalated');
    }
  }
}

function close(d: Decision, reason: string): StepResult {
  if (d.r.status !== 'open')
    return reject('record-closed', { 'zh-CN': '记录已关闭', en: 'the record is already closed' });
  if (!reason.trim())
    return reject('invalid-command', { 'zh-CN': '请填写关闭原因', en: 'a reason is required' });
  cancelTimers(d, () => true, 'record-closed');
  d.emit('record.closed', { reason: reason.trim() });
  return d.done('record.closed');
}

async function reopen(d: Decision, reason: string | undefined): Promise<StepResult> {
  if (d.r.status !== 'lost' || d.r.lostReason === null) {
    return reject('record-open', {
      'zh-CN': '只有已关闭（输单）的记录可以重新打开',
      en: 'only a record closed as lost can be reopened',
    });
  }
  const snapshot = snapshotOf(d.sop, d.r.value);
  if (snapshot.status === 'done')
    return reject('record-open', {
      'zh-CN': '流程已结束，不能重新打开',
      en: 'the SOP has reached its end; it cannot be reopened',
    });
  d.emit('record.reopened', { reason: reason ?? null });
  const active = activeStages(d.r.value);
  exitStages(d, active);
  await enterStages(d, active, false);
  return d.done('record.reopened');
}

/**
 * Applies one command to a record. Pure: no I/O, no clock, no randomness — `ctx` carries
 * the time, the actor, an id source, the roster and the calendar.
 *
 * @example
 * const r = await step(compile(doc), record, { type: 'perform', action: 'QUALIFY', fields: { budget: 50000 } }, ctx);
 * if (!r.ok) console.log(r.rejection.failures.map((f) => f.message.en));
 */
export async function step(
  sop: CompiledSop,
  record: RecordState | null,
  cmd: Command,
  ctx: StepContext,
): Promise<StepResult> {
  if (cmd.type !== 'create' && !record)
    return reject('invalid-command', { 'zh-CN': '记录不存在', en: 'no such record' });
  if (record && record.sopId !== sop.doc.id)
    return reject('invalid-command', {
      'zh-CN': 'SOP 不匹配',
      en: 'the record belongs to another SOP',
    });
  const d = new Decision(sop, record, ctx);
  switch (cmd.type) {
    case 'create':
      return create(d, cmd);
    case 'perform':
      return perform(d, cmd.action, cmd.fields, cmd.checklist, null);
    case 'override': {
      if (ctx.actor.role !== 'admin')
        return reject('role-not-allowed', {
          'zh-CN': '只有管理员可以强制通过',
          en: 'only an admin may override a gate',
        });
      if (!cmd.reason?.trim())
        return reject('invalid-command', {
          'zh-CN': '强制通过必须填写原因',
          en: 'an override requires a reason',
        });
      return perform(d, cmd.action, cmd.fields, undefined, {
        kind: 'override',
        reason: cmd.reason.trim(),
      });
    }
    case 'edit': {
      const f = fieldChanges(d, cmd.fields);
      if (!f.ok) return f.result;
      const c = checklistChanges(d, cmd.checklist);
      if (!c.ok) return c.result;
      applyEdits(d, f.fields, c.value);
      return d.done('record.updated');
    }
    case 'reassign':
      if (d.r.status !== 'open')
        return reject('record-closed', { 'zh-CN': '记录已关闭', en: 'the record is closed' });
      return reassign(d, cmd);
    case 'timer':
      return fireTimer(d, cmd.timerId);
    case 'close':
      return close(d, cmd.reason);
    case 'reopen':
      return reopen(d, cmd.reason);
  }
}
