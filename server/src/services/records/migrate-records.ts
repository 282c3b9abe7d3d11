/**
 * migrateRecords: moves open records from one published version of an SOP to a newer one,
 * mapping stages. Running records otherwise stay on the version they started on.
 *
 * The engine's step() has no migrate command yet; the move is decided here as engine events
 * (timers cancelled, stages exited, `record.migrated`, stages entered, SLA timers scheduled)
 * folded with the engine's own `evolve`, so replaying the history still rebuilds the state.
 * A record "would fail a gate" when, under the new version, every transition into its
 * target stage has a gate the record does not meet.
 */
import {
  activeStages,
  addDuration,
  type CompiledSop,
  type Effect,
  type EngineEvent,
  type EngineEventData,
  type EngineEventType,
  evolve,
  type GateFailure,
  type LocalizedText,
  openActions,
  own,
  type RecordState,
  type StepContext,
  type StepResult,
  type TimerSpec,
} from '@closeloop/engine';
import { runCommand } from '../commands/command.ts';
import { envOf } from '../commands/env.ts';
import { leafStageIds, storedRecordOf } from '../commands/record-store.ts';
import { assertCanSeeRecord, assertRole, SOP_PUBLISHERS, visibilitySql } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { DomainError, Invalid, NotFound } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';

export type MigrateInput = {
  sopId: string;
  fromVersion: number;
  toVersion: number;
  recordIds?: string[];
  stageMap: Record<string, string>;
  dryRun: boolean;
};

export type MigrateOutcome = {
  dryRun: boolean;
  moved: Array<{ recordId: string; from: string[]; to: string[] }>;
  failed: Array<{
    recordId: string;
    code: string;
    message: LocalizedText;
    failures: GateFailure[];
  }>;
};

/** Why one record could not move; reported per record, never answered as a problem. */
type MoveFailureCode =
  | 'record-closed'
  | 'wrong-version'
  | 'unmapped-stage'
  | 'target-final'
  | 'invalid-target'
  | 'gate-failed';

class MoveRejected extends Error {
  constructor(
    readonly code: MoveFailureCode,
    readonly reason: LocalizedText,
    readonly failures: GateFailure[] = [],
  ) {
    super(reason.en);
    this.name = 'MoveRejected';
  }
}

/** Leaf stage ids a target resolves to: a compound target enters its initial children. */
function resolveLeaves(sop: CompiledSop, id: string): string[] {
  const info = sop.stageById.get(id);
  if (!info) return [];
  if (info.children.length === 0) return [id];
  if (info.type === 'parallel') return info.children.flatMap((c) => resolveLeaves(sop, c));
  const path = id.split('.');
  let cfg: { initial?: string; states?: Record<string, unknown> } = sop.doc.machine;
  for (const p of path) {
    const next = cfg.states?.[p];
    cfg = next && typeof next === 'object' ? next : {};
  }
  const first = cfg.initial ? `${id}.${cfg.initial}` : info.children[0];
  return first ? resolveLeaves(sop, first) : [id];
}

type Tree = { [k: string]: Tree };

/** A snapshot value from active leaf paths: ['a.b'] → { a: 'b' }; ['x'] → 'x'. */
function snapshotValueOf(leaves: string[]): unknown {
  const root: Tree = {};
  for (const leaf of leaves) {
    let node = root;
    for (const p of leaf.split('.')) {
      node[p] ??= {};
      node = node[p];
    }
  }
  return toValue(root);
}

function toValue(children: Tree): unknown {
  const keys = Object.keys(children);
  const only = keys[0];
  if (keys.length === 1 && only !== undefined) {
    const sub = children[only] ?? {};
    return Object.keys(sub).length === 0 ? only : { [only]: toValue(sub) };
  }
  // several active children: the regions of a parallel state
  return Object.fromEntries(
    keys.map((k) => {
      const sub = children[k] ?? {};
      return [k, Object.keys(sub).length === 0 ? {} : toValue(sub)];
    }),
  );
}

function scheduleFor(
  sop: CompiledSop,
  record: RecordState,
  stageId: string,
  version: number,
  ctx: StepContext,
): TimerSpec[] {
  const sla = sop.stageById.get(stageId)?.meta?.sla;
  if (!sla) return [];
  let base = ctx.now;
  if (sla.dueField) {
    const raw = own(record.fields, sla.dueField);
    const t = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(t)) return [];
    base = t;
  }
  const add = (iso: string) => addDuration(base, iso, sla.clock ?? 'wall', ctx.calendar);
  const mk = (rung: number, kind: TimerSpec['kind'], dueAt: number): TimerSpec => ({
    id: `${record.id}/${stageId}@${version}/${rung < 0 ? 'due' : rung}`,
    stage: stageId,
    rung,
    kind,
    dueAt,
  });
  return [
    mk(-1, 'deadline', add(sla.duration)),
    ...(sla.escalations ?? []).map((e, i) => mk(i, e.kind, add(e.after))),
  ];
}

/** Checks the gates into each target leaf under the new version, from the record's facts. */
async function gateCheck(
  to: CompiledSop,
  record: RecordState,
  targets: string[],
  ctx: StepContext,
): Promise<GateFailure[]> {
  const failures: GateFailure[] = [];
  for (const target of targets) {
    const sources = new Set<string>();
    for (const list of to.transitionsBySource.values()) {
      for (const t of list) {
        if (t.targets.some((x) => x === target || target.startsWith(`${x}.`)))
          sources.add(t.source);
      }
    }
    if (sources.size === 0) continue;
    let passedAny = false;
    const mine: GateFailure[] = [];
    for (const source of sources) {
      const probe: RecordState = {
        ...record,
        value: snapshotValueOf(source ? resolveLeaves(to, source) : resolveLeaves(to, target)),
      };
      const actions = await openActions(to, probe, {
        ...ctx,
        actor: { ...ctx.actor, system: true },
      });
      for (const a of actions) {
        if (a.target !== target && !(a.target && target.startsWith(`${a.target}.`))) continue;
        if (a.passed) passedAny = true;
        else mine.push(...a.failures);
      }
    }
    if (!passedAny) failures.push(...mine);
  }
  return failures;
}

export function planMove(from: LoadedSop, to: LoadedSop, stageMap: Record<string, string>) {
  return async (record: RecordState, ctx: StepContext): Promise<StepResult> => {
    if (record.status !== 'open')
      throw new MoveRejected('record-closed', {
        'zh-CN': '记录已关闭',
        en: 'the record is closed',
      });
    if (record.sopVersion !== from.doc.version) {
      throw new MoveRejected('wrong-version', {
        'zh-CN': `记录在版本 ${record.sopVersion}，不在 ${from.doc.version}`,
        en: `the record is on version ${record.sopVersion}, not ${from.doc.version}`,
      });
    }
    const oldLeaves = leafStageIds(record.value);
    const targets: string[] = [];
    for (const leaf of oldLeaves) {
      // a mapping for the leaf, else for its nearest mapped ancestor, else the same id
      const parts = leaf.split('.');
      let mapped: string | undefined;
      for (let i = parts.length; i > 0 && mapped === undefined; i--) {
        mapped = own(stageMap, parts.slice(0, i).join('.'));
      }
      const target = mapped ?? leaf;
      const leaves = resolveLeaves(to.compiled, target);
      if (leaves.length === 0) {
        throw new MoveRejected('unmapped-stage', {
          'zh-CN': `阶段「${leaf}」在新版本中不存在，请在映射中指定`,
          en: `stage "${leaf}" does not exist in the new version; map it`,
        });
      }
      for (const l of leaves) if (!targets.includes(l)) targets.push(l);
    }
    if (targets.some((t) => to.compiled.stageById.get(t)?.final)) {
      throw new MoveRejected('target-final', {
        'zh-CN': '不能迁移到结束阶段',
        en: 'records cannot be moved into a final stage',
      });
    }
    const value = snapshotValueOf(targets);
    try {
      to.compiled.machine.resolveState({ value: value as never, context: {} });
    } catch {
      throw new MoveRejected('invalid-target', {
        'zh-CN': '映射后的阶段组合无效',
        en: 'the mapped stages do not form a valid state',
      });
    }
    const failures = await gateCheck(to.compiled, record, targets, ctx);
    if (failures.length) {
      throw new MoveRejected(
        'gate-failed',
        {
          'zh-CN': '记录不满足进入新阶段的条件',
          en: 'the record does not meet the gate into its new stage',
        },
        failures,
      );
    }
    const version = record.version + 1;
    const events: EngineEvent[] = [];
    const effects: Effect[] = [];
    let state: RecordState = record;
    const emit = <T extends EngineEventType>(type: T, data: EngineEventData<T>) => {
      const e = {
        id: ctx.newId(),
        type,
        at: ctx.now,
        actorId: ctx.actor.id,
        version,
        data,
      } as EngineEvent;
      events.push(e);
      state = evolve(state, e);
    };
    for (const t of record.timers) {
      emit('timer.cancelled', { timerId: t.id, reason: 'migrated' });
      effects.push({ type: 'cancelTimer', timerId: t.id });
    }
    for (const s of [...activeStages(record.value)].reverse()) emit('stage.exited', { stage: s });
    emit('record.migrated', {
      from: record.value,
      to: value,
      fromVersion: record.sopVersion,
      toVersion: to.doc.version,
      stageMap,
    });
    for (const s of activeStages(value)) {
      emit('stage.entered', { stage: s, entry: version });
      for (const timer of scheduleFor(to.compiled, state, s, version, ctx)) {
        emit('timer.scheduled', { timer });
        effects.push({ type: 'scheduleTimer', timer });
      }
    }
    effects.push({
      type: 'webhook',
      event: 'record.migrated',
      payload: {
        recordId: record.id,
        sopId: record.sopId,
        fromVersion: record.sopVersion,
        toVersion: to.doc.version,
      },
    });
    return { ok: true, record: state, events, effects };
  };
}

export const migrateRecords: Verb<MigrateInput, MigrateOutcome> = async ({ ctx, input }) => {
  assertRole(ctx.user, SOP_PUBLISHERS, 'migrating records');
  const ws = ctx.user.workspaceId;
  if (input.toVersion <= input.fromVersion) {
    throw new Invalid('migration-invalid', 'toVersion must be newer than fromVersion', {
      errors: [{ path: 'toVersion', message: 'must be greater than fromVersion' }],
    });
  }
  const [from, to] = await Promise.all([
    ctx.sops.get(ws, input.sopId, input.fromVersion),
    ctx.sops.get(ws, input.sopId, input.toVersion),
  ]);
  for (const [k, v] of Object.entries(input.stageMap)) {
    if (!from.compiled.stageById.has(k) || !to.compiled.stageById.has(v)) {
      throw new Invalid('migration-invalid', `stage map entry ${k} → ${v} names an unknown stage`, {
        errors: [
          {
            path: `stageMap.${k}`,
            message: `${k} must be a stage of v${input.fromVersion} and ${v} of v${input.toVersion}`,
          },
        ],
      });
    }
  }
  const params: unknown[] = [ws, input.sopId, input.fromVersion];
  const where = ['r.workspace_id = $1', 'r.sop_id = $2', 'r.sop_version = $3', "r.status = 'open'"];
  if (input.recordIds) {
    params.push(input.recordIds);
    where.push(`r.id = any($${params.length}::text[])`);
  }
  const vis = visibilitySql(ctx.user, params.length + 1);
  if (vis) {
    params.push(...vis.params);
    where.push(vis.sql);
  }
  const rows = await ctx.db.query(
    `select r.state, r.version, r.event_count from records r where ${where.join(' and ')}
      order by r.created_at, r.id limit 10000`,
    params,
  );
  const plan = planMove(from, to, input.stageMap);
  const env = envOf(ctx);
  const out: MigrateOutcome = { dryRun: input.dryRun, moved: [], failed: [] };
  const dryCtx: StepContext = {
    now: ctx.now,
    actor: env.actor,
    newId: () => crypto.randomUUID(),
    roster: { teams: [] },
    calendar: ctx.calendar,
  };
  for (const row of rows) {
    const { state, version } = storedRecordOf(row);
    const fromStages = leafStageIds(state.value);
    try {
      if (input.dryRun) {
        const r = await plan(state, dryCtx);
        if (r.ok)
          out.moved.push({
            recordId: state.id,
            from: fromStages,
            to: leafStageIds(r.record.value),
          });
        continue;
      }
      const res = await runCommand({
        env,
        recordId: state.id,
        cmd: { type: 'edit' },
        expectedVersion: version,
        authorize: (r) => assertCanSeeRecord(ctx.user, r),
        decide: async (_sop, rec, stepCtx) => {
          if (!rec) throw new NotFound('record', state.id);
          return plan(rec, stepCtx);
        },
      });
      out.moved.push({ recordId: state.id, from: fromStages, to: res.record.currentStages });
    } catch (e) {
      if (e instanceof MoveRejected) {
        out.failed.push({
          recordId: state.id,
          code: e.code,
          message: e.reason,
          failures: e.failures,
        });
      } else if (e instanceof DomainError) {
        out.failed.push({
          recordId: state.id,
          code: e.code,
          message: { 'zh-CN': e.message, en: e.message },
          failures: [],
        });
      } else {
        throw e;
      }
    }
  }
  return out;
};
