/**
 * step(sop, record, command, ctx): the engine's one entry point for changing a record.
 *
 * Decide, then evolve: each handler checks the command against the record, emits events
 * (applied at once through `evolve`, so later logic sees them) and effects for the server.
 * Gates run in json-rules-engine before XState's pure `transition()`; the machine's guard
 * only reads the precomputed results carried on the event.
 */
import { initialTransition, transition } from 'xstate';
import { chooseAssignment, keepsCurrentOwner, type Pick, pickAssignee } from './assignment.ts';
import { addDuration, toInstant } from './calendar.ts';
import {
  activeStages,
  type CompiledSop,
  candidateTransitions,
  type GateEvent,
  type StageInfo,
  snapshotOf,
  type TransitionInfo,
} from './compile.ts';
import { evaluate, type FactInput } from './conditions.ts';
import { evolve } from './evolve.ts';
import { recordFacts } from './facts.ts';
import { checkFields } from './fields.ts';
import type { Assignment, LocalizedText } from './sop.ts';
import type {
  Command,
  Effect,
  EngineEvent,
  Fields,
  FieldValue,
  GateFailure,
  RecordState,
  Rejection,
  StepContext,
  StepResult,
  TimerSpec,
} from './types.ts';

const reject = (
  code: Rejection['code'],
  message: LocalizedText,
  failures: GateFailure[] = [],
): StepResult => ({ ok: false, rejection: { code, message, failures } });

/** Accumulates events (applied immediately) and effects for one command. */
class Decision {
  record: RecordState | null;
  readonly events: EngineEvent[] = [];
  readonly effects: Effect[] = [];
  readonly version: number;

  constructor(
    readonly sop: CompiledSop,
    record: RecordState | null,
    readonly ctx: StepContext,
  ) {
    this.record = record;
    this.version = (record?.version ?? 0) + 1;
  }

  get r(): RecordState {
    if (!this.record) throw new Error('no record');
    return this.record;
  }

  emit(type: string, data: Record<string, unknown>): void {
    const e: EngineEvent = {
      id: this.ctx.newId(),
      type,
      at: this.ctx.now,
      actorId: this.ctx.actor.id,
      version: this.version,
      data,
    };
    this.events.push(e);
    this.record = evolve(this.record, e);
  }

  notify(
    userIds: Array<string | null | undefined>,
    kind: Extract<Effect, { type: 'notify' }>['kind'],
    message: LocalizedText,
  ): void {
    const ids = [...new Set(userIds.filter((u): u is string => !!u))];
    if (ids.length) this.effects.push({ type: 'notify', userIds: ids, kind, message });
  }

  done(webhook?: string): StepResult {
    if (!this.record)
      return reject('invalid-command', { 'zh-CN': '命令无效', en: 'invalid command' });
    if (webhook && this.events.length) {
      this.effects.push({
        type: 'webhook',
        event: webhook,
        payload: {
          recordId: this.record.id,
          sopId: this.record.sopId,
          stages: activeStages(this.record.value),
          status: this.record.status,
          ownerId: this.record.ownerId,
          version: this.record.version,
        },
      });
    }
    return { ok: true, record: this.record, events: this.events, effects: this.effects };
  }
}

// ---------------------------------------------------------------- facts

function factsFor(
  d: Decision,
  fields: Fields,
  stage: string | null,
  checklist?: Record<string, string[]>,
): FactInput {
  return recordFacts(d.sop, d.r, stage, d.ctx, { fields, checklist });
}

// ---------------------------------------------------------------- stages, SLAs, owners

function scheduleSla(d: Decision, stage: StageInfo): void {
  const sla = stage.meta?.sla;
  const st = d.r.stages[stage.id];
  if (!sla || !st) return;
  const base = sla.dueField ? toInstant(d.r.fields[sla.dueField], d.ctx.calendar) : d.ctx.now;
  if (base === null) return;
  const clock = sla.clock ?? 'wall';
  const add = (iso: string) => addDuration(base, iso, clock, d.ctx.calendar);
  const mk = (rung: number, kind: TimerSpec['kind'], dueAt: number): TimerSpec => ({
    id: `${d.r.id}/${stage.id}@${d.version}/${rung < 0 ? 'due' : rung}`,
    stage: stage.id,
    rung,
    kind,
    dueAt,
  });
  const timers = [mk(-1, 'deadline', add(sla.duration))];
  (sla.escalations ?? []).forEach((e, i) => {
    timers.push(mk(i, e.kind, add(e.after)));
  });
  for (const timer of timers) {
    d.emit('timer.scheduled', { timer });
    d.effects.push({ type: 'scheduleTimer', timer });
  }
}

function cancelTimers(d: Decision, which: (t: TimerSpec) => boolean, reason: string): void {
  for (const t of d.r.timers.filter(which)) {
    d.emit('timer.cancelled', { timerId: t.id, reason });
    d.effects.push({ type: 'cancelTimer', timerId: t.id });
  }
}

function applyPick(
  d: Decision,
  p: Omit<Pick, 'teamId'> & { teamId: string | null },
  reason: string,
  type = 'record.assigned',
): void {
  if (p.userId === d.r.ownerId && p.teamId === d.r.teamId) return;
  const from = d.r.ownerId;
  d.emit(type, { userId: p.userId, teamId: p.teamId, strategy: p.strategy, from, reason });
  d.effects.push({
    type: 'assign',
    userId: p.userId,
    teamId: p.teamId,
    strategy: p.strategy,
    rrCursor: p.rrCursor,
  });
  // nobody needs telling about a record they gave themselves
  if (p.userId !== d.ctx.actor.id) {
    d.notify([p.userId], 'assigned', {
      'zh-CN': '有一条记录分配给了你',
      en: 'A record was assigned to you',
    });
  }
}

/** The first team the user is a member of, else one they manage. */
function teamOf(d: Decision, userId: string): string | null {
  const teams = d.ctx.roster.teams;
  return (
    teams.find((t) => t.members.some((m) => m.userId === userId))?.id ??
    teams.find((t) => t.managerIds.includes(userId))?.id ??
    null
  );
}

async function assignByPolicy(
  d: Decision,
  stage: StageInfo,
  reason: string,
  exclude: string[] = [],
): Promise<boolean> {
  const policy = d.sop.owners.get(stage.id);
  if (!policy) return false;
  const assignment = await chooseAssignment(
    policy,
    factsFor(d, d.r.fields, stage.id),
    d.sop.fieldDefs,
  );
  if (!assignment) return false;
  if (keepsCurrentOwner(policy, assignment, d.ctx.roster, d.r.ownerId, exclude)) return true;
  const p = pickAssignee(assignment, d.ctx.roster, exclude);
  if (p) applyPick(d, p, reason);
  return p !== null;
}

async function enterStages(d: Decision, ids: string[], assign: boolean): Promise<void> {
  for (const id of ids) {
    const stage = d.sop.stageById.get(id);
    if (!stage) continue;
    // the record version makes each entry's timer ids unique across re-entries
    d.emit('stage.entered', { stage: id, entry: d.version });
    scheduleSla(d, stage);
    if (assign) await assignByPolicy(d, stage, 'stage-entered');
  }
}

function exitStages(d: Decision, ids: string[]): void {
  for (const id of [...ids].reverse()) {
    cancelTimers(d, (t) => t.stage === id, 'stage-exited');
    d.emit('stage.exited', { stage: id });
  }
}

function completeIfDone(d: Decision, done: boolean): void {
  if (!done) return;
  const finals = activeStages(d.r.value)
    .map((id) => d.sop.stageById.get(id))
    .filter((s): s is StageInfo => !!s && s.final && s.parentId === null);
  const outcome = finals[0]?.outcome ?? 'done';
  cancelTimers(d, () => true, 'record-completed');
  d.emit('record.completed', { status: outcome, stage: finals[0]?.id ?? null });
}

// ---------------------------------------------------------------- commands

function fieldChanges(
  d: Decision,
  changes: Fields | undefined,
): { ok: true; fields: Fields } | { ok: false; result: StepResult } {
  if (!changes) return { ok: true, fields: {} };
  const checked = checkFields(d.sop.fieldDefs, changes);
  if (!checked.ok) {
    return {
      ok: false,
      result: {
        ok: false,
        rejection: {
          code: 'invalid-fields',
          message: { 'zh-CN': '字段值不正确', en: 'some field values are invalid' },
          failures: checked.problems.map((p) => ({
            path: `fields.${p.field}`,
            fact: p.field,
            operator: 'type',
            message: p.message,
            fields: [p.field],
          })),
        },
      },
    };
  }
  const out: Fields = {};
  for (const [k, v] of Object.entries(checked.fields)) {
    if (JSON.stringify(d.r.fields[k] ?? null) !== JSON.stringify(v)) out[k] = v;
  }
  return { ok: true, fields: out };
}

function checklistChanges(
  d: Decision,
  checklist: Record<string, string[]> | undefined,
): { ok: true; value: Record<string, string[]> } | { ok: false; result: StepResult } {
  const out: Record<string, string[]> = {};
  for (const [stage, done] of Object.entries(checklist ?? {})) {
    const items = d.sop.stageById.get(stage)?.meta?.checklist?.map((c) => c.id);
    if (!items || !d.r.stages[stage]) {
      return {
        ok: false,
        result: reject('invalid-command', {
          'zh-CN': `阶段「${stage}」当前没有检查清单`,
          en: `stage "${stage}" has no open checklist`,
        }),
      };
    }
    const unknown = done.filter((i) => !items.includes(i));
    if (unknown.length) {
      return {
        ok: false,
        result: reject('invalid-command', {
          'zh-CN': `未知的清单项：${unknown.join('、')}`,
          en: `unknown checklist items: ${unknown.join(', ')}`,
        }),
      };
    }
    const sorted = [...new Set(done)].sort();
    if (JSON.stringify(sorted) !== JSON.stringify([...(d.r.checklist[stage] ?? [])].sort()))
      out[stage] = sorted;
  }
  return { ok: true, value: out };
}

/** Writes field and checklist changes, then re-times SLAs whose due field changed. */
function applyEdits(d: Decision, fields: Fields, checklist: Record<string, string[]>): void {
  if (Object.keys(fields).length) {
    const changes: Record<string, { from: FieldValue; to: FieldValue }> = {};
    for (const [k, v] of Object.entries(fields))
      changes[k] = { from: d.r.fields[k] ?? null, to: v };
    d.emit('fields.changed', { changes });
  }
  for (const [stage, done] of Object.entries(checklist))
    d.emit('checklist.changed', { stage, done });
  if (d.r.status !== 'open') return;
  for (const id of Object.keys(d.r.stages)) {
    const stage = d.sop.stageById.get(id);
    const due = stage?.meta?.sla?.dueField;
    if (stage && due && due in fields) {
      cancelTimers(d, (t) => t.stage === id, 'due-field-changed');
      scheduleSla(d, stage);
    }
  }
}

async function create(d: Decision, cmd: Extract<Command, { type: 'create' }>): Promise<StepResult> {
  if (d.record)
    return reject('invalid-command', { 'zh-CN': '记录已存在', en: 'the record already exists' });
  const checked = checkFields(d.sop.fieldDefs, cmd.fields ?? {});
  if (!checked.ok) {
    d.record = null;
    return fieldChangesReject(checked.problems);
  }
  const [snap] = initialTransition(d.sop.machine);
  d.emit('record.created', {
    recordId: cmd.recordId,
    sopId: d.sop.doc.id,
    sopVersion: d.sop.doc.version,
    fields: checked.fields,
    value: snap.value,
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
  await enterStages(d, activeStages(snap.value), !cmd.ownerId);
  completeIfDone(d, snap.status === 'done');
  return d.done('record.created');
}

function fieldChangesReject(
  problems: Array<{ field: string; message: LocalizedText }>,
): StepResult {
  return {
    ok: false,
    rejection: {
      code: 'invalid-fields',
      message: { 'zh-CN': '字段值不正确', en: 'some field values are invalid' },
      failures: problems.map((p) => ({
        path: `fields.${p.field}`,
        fact: p.field,
        operator: 'type',
        message: p.message,
        fields: [p.field],
      })),
    },
  };
}

function roleAllowed(d: Decision, t: TransitionInfo): boolean {
  const roles = t.meta?.roles;
  return (
    d.ctx.actor.system === true || !roles || roles.length === 0 || roles.includes(d.ctx.actor.role)
  );
}

async function perform(
  d: Decision,
  action: string,
  rawFields: Fields | undefined,
  rawChecklist: Record<string, string[]> | undefined,
  bypass: { reason: string; kind: 'override' | 'system' } | null,
): Promise<StepResult> {
  if (d.r.status !== 'open')
    return reject('record-closed', {
      'zh-CN': '记录已关闭，请先重新打开',
      en: 'the record is closed; reopen it first',
    });
  const f = fieldChanges(d, rawFields);
  if (!f.ok) return f.result;
  const c = checklistChanges(d, rawChecklist);
  if (!c.ok) return c.result;
  const active = activeStages(d.r.value);
  const candidates = candidateTransitions(d.sop, active, action);
  if (candidates.length === 0) {
    const exists = [...d.sop.transitionByKey.values()].some((t) => t.event === action);
    return exists
      ? reject('action-not-open', {
          'zh-CN': `操作「${action}」在当前阶段不可用`,
          en: `action "${action}" is not open in the current stage`,
        })
      : reject('unknown-action', {
          'zh-CN': `没有名为「${action}」的操作`,
          en: `no action named "${action}"`,
        });
  }
  const allowed = candidates.filter((t) => roleAllowed(d, t));
  if (allowed.length === 0) {
    return reject('role-not-allowed', {
      'zh-CN': '你的角色不能执行此操作',
      en: 'your role may not take this action',
    });
  }
  const nextFields = { ...d.r.fields, ...f.fields };
  const checklist = { ...d.r.checklist, ...c.value };
  const gates: Record<string, boolean> = {};
  const failures: GateFailure[] = [];
  for (const t of allowed) {
    if (!t.gate || bypass) {
      gates[t.key] = true;
      if (!t.gate || bypass?.kind === 'system') continue;
    }
    if (!t.gate) continue;
    const r = await evaluate(
      t.gate,
      factsFor(d, nextFields, t.source || null, checklist),
      d.sop.fieldDefs,
    );
    if (!bypass) gates[t.key] = r.passed;
    if (!r.passed) failures.push(...r.failures);
  }
  const event: GateEvent = { type: action, gates, taken: [] };
  const snapshot = snapshotOf(d.sop, d.r.value);
  const [next] = transition(d.sop.machine, snapshot, event as never);
  const taken = event.taken ?? [];
  if (taken.length === 0) {
    return failures.length
      ? reject(
          'gate-failed',
          {
            'zh-CN': '还有条件未满足，不能执行此操作',
            en: 'the action is blocked: some conditions are not met',
          },
          failures,
        )
      : reject('action-not-open', {
          'zh-CN': `操作「${action}」在当前阶段不可用`,
          en: `action "${action}" is not open in the current stage`,
        });
  }
  applyEdits(d, f.fields, c.value);
  const before = active;
  const after = activeStages(next.value);
  const reentered = new Set<string>();
  for (const key of taken) {
    const t = d.sop.transitionByKey.get(key);
    const cfg = t && findTransitionConfig(d, t);
    if (t && cfg?.reenter)
      for (const target of t.targets)
        for (const s of after) if (s === target || s.startsWith(`${target}.`)) reentered.add(s);
  }
  const exited = before.filter((s) => !after.includes(s) || reentered.has(s));
  const entered = after.filter((s) => !before.includes(s) || reentered.has(s));
  d.emit('action.performed', { action, from: d.r.value, to: next.value, transitions: taken });
  if (bypass?.kind === 'override')
    d.emit('gate.overridden', { action, reason: bypass.reason, failures });
  exitStages(d, exited);
  await enterStages(d, entered, true);
  completeIfDone(d, next.status === 'done');
  return d.done('record.stage-changed');
}

function findTransitionConfig(d: Decision, t: TransitionInfo) {
  const path = t.source ? t.source.split('.') : [];
  let node = d.sop.doc.machine as { states?: Record<string, unknown>; on?: unknown };
  for (const p of path) node = (node.states?.[p] ?? {}) as typeof node;
  const on = node.on as Record<string, unknown> | undefined;
  const raw = on?.[t.event];
  const list = Array.isArray(raw) ? raw : [raw];
  const cfg = list[t.index];
  return cfg && typeof cfg === 'object' ? (cfg as { reenter?: boolean }) : undefined;
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
async function reassignByRules(
  d: Decision,
  reason: string,
  explicit?: Assignment,
): Promise<boolean> {
  const exclude = d.r.ownerId ? [d.r.ownerId] : [];
  if (explicit) {
    const p = pickAssignee(explicit, d.ctx.roster, exclude);
    if (p) applyPick(d, p, reason);
    return !!p;
  }
  const ids = activeStages(d.r.value).sort((a, b) => b.split('.').length - a.split('.').length);
  for (const id of ids) {
    const stage = d.sop.stageById.get(id);
    if (stage && d.sop.owners.has(id)) return assignByPolicy(d, stage, reason, exclude);
  }
  if (!d.r.teamId) return false;
  const p = pickAssignee({ team: d.r.teamId, strategy: 'round-robin' }, d.ctx.roster, exclude);
  if (p) applyPick(d, p, reason);
  return !!p;
}

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
