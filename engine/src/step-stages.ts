import { chooseAssignment, keepsCurrentOwner, type Pick, pickAssignee } from './assignment.ts';
import { addDuration, toInstant } from './calendar.ts';
import { activeStages, type StageInfo } from './compile.ts';
import { own } from './own.ts';
import type { Assignment } from './sop.ts';
import { type Decision, factsFor } from './step-decision.ts';
import type { TimerSpec } from './types.ts';

export function scheduleSla(d: Decision, stage: StageInfo): void {
  const sla = stage.meta?.sla;
  const st = own(d.r.stages, stage.id);
  if (!sla || !st) return;
  const base = sla.dueField ? toInstant(own(d.r.fields, sla.dueField), d.ctx.calendar) : d.ctx.now;
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

export function cancelTimers(d: Decision, which: (t: TimerSpec) => boolean, reason: string): void {
  for (const t of d.r.timers.filter(which)) {
    d.emit('timer.cancelled', { timerId: t.id, reason });
    d.effects.push({ type: 'cancelTimer', timerId: t.id });
  }
}

export function applyPick(
  d: Decision,
  p: Omit<Pick, 'teamId'> & { teamId: string | null },
  reason: string,
): void {
  if (p.userId === d.r.ownerId && p.teamId === d.r.teamId) return;
  const from = d.r.ownerId;
  d.emit('record.assigned', {
    userId: p.userId,
    teamId: p.teamId,
    strategy: p.strategy,
    from,
    reason,
  });
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
export function teamOf(d: Decision, userId: string): string | null {
  const teams = d.ctx.roster.teams;
  return (
    teams.find((t) => t.members.some((m) => m.userId === userId))?.id ??
    teams.find((t) => t.managerIds.includes(userId))?.id ??
    null
  );
}

export async function assignByPolicy(
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

export async function enterStages(d: Decision, ids: string[], assign: boolean): Promise<void> {
  for (const id of ids) {
    const stage = d.sop.stageById.get(id);
    if (!stage) continue;
    // the record version makes each entry's timer ids unique across re-entries
    d.emit('stage.entered', { stage: id, entry: d.version });
    scheduleSla(d, stage);
    if (assign) await assignByPolicy(d, stage, 'stage-entered');
  }
}

export function exitStages(d: Decision, ids: string[]): void {
  for (const id of [...ids].reverse()) {
    cancelTimers(d, (t) => t.stage === id, 'stage-exited');
    d.emit('stage.exited', { stage: id });
  }
}

export function completeIfDone(d: Decision, done: boolean): void {
  if (!done) return;
  const finals = activeStages(d.r.value)
    .map((id) => d.sop.stageById.get(id))
    .filter((s): s is StageInfo => !!s && s.final && s.parentId === null);
  const outcome = finals[0]?.outcome ?? 'done';
  cancelTimers(d, () => true, 'record-completed');
  d.emit('record.completed', { status: outcome, stage: finals[0]?.id ?? null });
}

export async function reassignByRules(
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
