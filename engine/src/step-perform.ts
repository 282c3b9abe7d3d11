/**
 * Field and checklist edits, and `perform`: an action checked against roles and gates
 * (json-rules-engine, before XState's pure transition), then the stages it leaves and enters.
 */
import {
  activeStages,
  candidateTransitions,
  type GateEvent,
  machineTransition,
  snapshotOf,
  type TransitionInfo,
} from './compile.ts';
import { evaluate } from './conditions.ts';
import { checkFields } from './fields.ts';
import { handoffFields } from './handoff.ts';
import { own } from './own.ts';
import type { LocalizedText } from './sop.ts';
import { type Decision, factsFor, reject } from './step-decision.ts';
import {
  cancelTimers,
  completeIfDone,
  enterStages,
  exitStages,
  scheduleSla,
} from './step-stages.ts';
import type { Fields, FieldValue, GateFailure, StepResult } from './types.ts';

export function fieldChanges(
  d: Decision,
  changes: Fields | undefined,
): { ok: true; fields: Fields } | { ok: false; result: StepResult } {
  if (!changes) return { ok: true, fields: {} };
  const checked = checkFields(d.sop.fieldDefs, changes);
  if (!checked.ok) return { ok: false, result: fieldChangesReject(checked.problems) };
  const out: Fields = {};
  for (const [k, v] of Object.entries(checked.fields)) {
    if (JSON.stringify(own(d.r.fields, k) ?? null) !== JSON.stringify(v)) out[k] = v;
  }
  return { ok: true, fields: out };
}

export function checklistChanges(
  d: Decision,
  checklist: Record<string, string[]> | undefined,
): { ok: true; value: Record<string, string[]> } | { ok: false; result: StepResult } {
  const out: Record<string, string[]> = {};
  for (const [stage, done] of Object.entries(checklist ?? {})) {
    const items = d.sop.stageById.get(stage)?.meta?.checklist?.map((c) => c.id);
    if (!items || !own(d.r.stages, stage)) {
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
    if (JSON.stringify(sorted) !== JSON.stringify([...(own(d.r.checklist, stage) ?? [])].sort()))
      out[stage] = sorted;
  }
  return { ok: true, value: out };
}

/** Writes field and checklist changes, then re-times SLAs whose due field changed. */
export function applyEdits(d: Decision, fields: Fields, checklist: Record<string, string[]>): void {
  if (Object.keys(fields).length) {
    const changes: Record<string, { from: FieldValue; to: FieldValue }> = {};
    for (const [k, v] of Object.entries(fields))
      changes[k] = { from: own(d.r.fields, k) ?? null, to: v };
    d.emit('fields.changed', { changes });
  }
  for (const [stage, done] of Object.entries(checklist))
    d.emit('checklist.changed', { stage, done });
  if (d.r.status !== 'open') return;
  for (const id of Object.keys(d.r.stages)) {
    const stage = d.sop.stageById.get(id);
    const due = stage?.meta?.sla?.dueField;
    if (stage && due && Object.hasOwn(fields, due)) {
      cancelTimers(d, (t) => t.stage === id, 'due-field-changed');
      scheduleSla(d, stage);
    }
  }
}

export function fieldChangesReject(
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

export async function perform(
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
  const next = machineTransition(d.sop.machine, snapshot, event);
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
  startHandoffs(d, action, taken);
  return d.done('record.stage-changed');
}

/** Each taken transition with a handoff: its event here and the target's creation as an effect. */
function startHandoffs(d: Decision, action: string, taken: string[]): void {
  for (const key of taken) {
    const h = d.sop.transitionByKey.get(key)?.meta?.handoff;
    if (!h) continue;
    const recordId = d.ctx.newId();
    const fields = handoffFields(h, d.r.fields);
    const owner = h.owner ?? 'rule';
    d.emit('record.handed-off', {
      action,
      recordId,
      sopId: h.sopId,
      fields: Object.keys(fields),
      owner,
    });
    d.effects.push({
      type: 'handoff',
      recordId,
      sopId: h.sopId,
      fields,
      owner,
      ownerId: d.r.ownerId,
      teamId: d.r.teamId,
      from: { recordId: d.r.id, sopId: d.r.sopId, action },
    });
  }
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
