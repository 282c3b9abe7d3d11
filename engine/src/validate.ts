/**
 * validate(doc): everything wrong with an SOP that parsing alone cannot see — unreachable
 * stages, dead ends, gates naming unknown fields or operators, bad durations, escalations
 * with nobody to reach, invalid XState config. Each problem names its JSON path and stage.
 */
import type { AnyStateMachine } from 'xstate';
import { durationMs } from './calendar.ts';
import {
  buildMachine,
  transitionList,
  UNSUPPORTED_STATE_KEYS,
  UNSUPPORTED_TRANSITION_KEYS,
} from './compile.ts';
import { checkConditions } from './conditions.ts';
import { checkHandoffs, type HandoffTargets } from './handoff.ts';
import { checkLimits } from './limits.ts';
import { isReservedName } from './own.ts';
import {
  type LocalizedText,
  type Problem,
  parseSop,
  type SopDocument,
  type StateConfig,
} from './sop.ts';
import { graphOf, reachable } from './validate-graph.ts';

const YEAR_MS = 366 * 24 * 3_600_000;

type Ctx = {
  doc: SopDocument;
  fields: Map<string, SopDocument['fields'][number]>;
  problems: Problem[];
};

function add(c: Ctx, path: string, code: string, message: LocalizedText, stage?: string): void {
  c.problems.push({ path, code, message, stage });
}

function stateLabel(id: string): string {
  return id || '(root)';
}

/** A stage as its people call it: its title in each language, else its key. */
function stageWords(doc: SopDocument, id: string): LocalizedText {
  let states: Record<string, StateConfig> | undefined = doc.machine.states;
  let node: StateConfig | undefined;
  for (const part of id.split('.')) {
    node = states?.[part];
    states = node?.states;
  }
  const title = node?.meta?.stage?.title;
  const key = stateLabel(id.split('.').pop() ?? id);
  return {
    'zh-CN': title?.['zh-CN'] || title?.en || key,
    en: title?.en || title?.['zh-CN'] || key,
  };
}

function checkDuration(c: Ctx, path: string, iso: string, stage: string, zeroOk = false): void {
  const ms = durationMs(iso);
  if (zeroOk && ms === 0) return;
  if (ms === null)
    add(
      c,
      path,
      'duration.invalid',
      { 'zh-CN': `时长「${iso}」不是 ISO 8601 格式`, en: `duration "${iso}" is not ISO 8601` },
      stage,
    );
  else if (ms <= 0)
    add(
      c,
      path,
      'duration.zero',
      { 'zh-CN': '时长必须大于零', en: 'the duration must be longer than zero' },
      stage,
    );
  else if (ms > YEAR_MS)
    add(
      c,
      path,
      'duration.too-long',
      { 'zh-CN': '时长不能超过一年', en: 'the duration must not exceed a year' },
      stage,
    );
}

type StageMetaOf = NonNullable<NonNullable<StateConfig['meta']>['stage']>;

function checkStageMeta(
  c: Ctx,
  meta: StageMetaOf,
  mp: string,
  id: string,
  hasOwner: boolean,
  allEvents: (stageId: string) => Set<string>,
): void {
  meta.fields?.forEach((f, i) => {
    if (!c.fields.has(f))
      add(
        c,
        `${mp}.fields[${i}]`,
        'stage.unknown-field',
        { 'zh-CN': `阶段显示了不存在的字段「${f}」`, en: `stage shows unknown field "${f}"` },
        id,
      );
  });
  const ids = new Set<string>();
  meta.checklist?.forEach((item, i) => {
    if (ids.has(item.id))
      add(
        c,
        `${mp}.checklist[${i}].id`,
        'checklist.duplicate',
        {
          'zh-CN': `清单项 id「${item.id}」重复`,
          en: `checklist item id "${item.id}" is repeated`,
        },
        id,
      );
    ids.add(item.id);
  });
  meta.owner?.rules.forEach((r, i) => {
    c.problems.push(
      ...checkConditions(r.conditions, `${mp}.owner.rules[${i}].conditions`, c.fields, id),
    );
    if (r.assign.strategy === 'named' && !r.assign.user)
      add(
        c,
        `${mp}.owner.rules[${i}].assign.user`,
        'owner.no-user',
        { 'zh-CN': '指定负责人策略需要填写用户', en: 'the named strategy needs a user' },
        id,
      );
  });
  if (meta.owner?.default?.strategy === 'named' && !meta.owner.default.user) {
    add(
      c,
      `${mp}.owner.default.user`,
      'owner.no-user',
      { 'zh-CN': '指定负责人策略需要填写用户', en: 'the named strategy needs a user' },
      id,
    );
  }
  if (meta.sla) checkSla(c, meta.sla, mp, id, hasOwner, allEvents);
}

function checkSla(
  c: Ctx,
  sla: NonNullable<StageMetaOf['sla']>,
  mp: string,
  id: string,
  hasOwner: boolean,
  allEvents: (stageId: string) => Set<string>,
): void {
  checkDuration(c, `${mp}.sla.duration`, sla.duration, id);
  if (sla.dueField) {
    const f = c.fields.get(sla.dueField);
    if (!f)
      add(
        c,
        `${mp}.sla.dueField`,
        'sla.unknown-field',
        {
          'zh-CN': `时限依据的字段「${sla.dueField}」不存在`,
          en: `SLA due field "${sla.dueField}" does not exist`,
        },
        id,
      );
    else if (f.type !== 'date' && f.type !== 'datetime')
      add(
        c,
        `${mp}.sla.dueField`,
        'sla.bad-field',
        {
          'zh-CN': '时限依据的字段必须是日期或日期时间',
          en: 'the SLA due field must be a date or datetime',
        },
        id,
      );
  }
  (sla.escalations ?? []).forEach((e, i) => {
    const ep = `${mp}.sla.escalations[${i}]`;
    // with a due field, a rung at PT0S fires at the due time itself
    checkDuration(c, `${ep}.after`, e.after, id, !!sla.dueField);
    if (e.kind === 'notify-manager' && !hasOwner && !e.notify?.length) {
      add(
        c,
        ep,
        'escalation.nobody',
        {
          'zh-CN': '升级无人可通知：请为阶段设置负责团队或填写通知对象',
          en: 'nobody to escalate to: give the stage an owner team or list people to notify',
        },
        id,
      );
    }
    if (e.kind === 'reassign' && !hasOwner && !e.assign) {
      add(
        c,
        ep,
        'escalation.nobody',
        {
          'zh-CN': '改派无人可接：请为阶段设置负责规则或指定接手团队',
          en: 'nobody to reassign to: give the stage an owner policy or the rung a team',
        },
        id,
      );
    }
    if (e.kind === 'move') {
      if (!e.action)
        add(
          c,
          `${ep}.action`,
          'escalation.no-action',
          { 'zh-CN': '自动流转需要指定操作', en: 'a move needs an action' },
          id,
        );
      else if (!allEvents(id).has(e.action))
        add(
          c,
          `${ep}.action`,
          'escalation.unknown-action',
          {
            'zh-CN': `自动流转的操作「${e.action}」在此阶段不可用`,
            en: `move action "${e.action}" is not open in this stage`,
          },
          id,
        );
    }
  });
}

function checkTransitions(c: Ctx, cfg: StateConfig, path: string, id: string): void {
  for (const [event, list] of transitionList(cfg.on)) {
    list.forEach((t, i) => {
      const tp = `${path}.on.${event}[${i}]`;
      for (const k of UNSUPPORTED_TRANSITION_KEYS) {
        if (k in t)
          add(
            c,
            `${tp}.${k}`,
            'xstate.unsupported',
            {
              'zh-CN': `不支持「${k}」：请用操作的条件（gate）表达`,
              en: `"${k}" is not supported: use the action's gate instead`,
            },
            id,
          );
      }
      const m = t.meta;
      if (m?.gate) c.problems.push(...checkConditions(m.gate, `${tp}.meta.gate`, c.fields, id));
      m?.fields?.forEach((f, j) => {
        if (!c.fields.has(f))
          add(
            c,
            `${tp}.meta.fields[${j}]`,
            'action.unknown-field',
            {
              'zh-CN': `操作要求了不存在的字段「${f}」`,
              en: `action asks for unknown field "${f}"`,
            },
            id,
          );
      });
    });
  }
}

function walkStates(
  c: Ctx,
  cfg: StateConfig,
  path: string,
  id: string,
  ancestorsHaveOwner: boolean,
  allEvents: (stageId: string) => Set<string>,
): void {
  for (const k of UNSUPPORTED_STATE_KEYS) {
    if (k in cfg) {
      add(
        c,
        `${path}.${k}`,
        'xstate.unsupported',
        {
          'zh-CN': `不支持「${k}」：请用阶段的时限（SLA）和操作的条件（gate）表达`,
          en: `"${k}" is not supported: use the stage's SLA and the action's gate instead`,
        },
        id,
      );
    }
  }
  const meta = cfg.meta?.stage;
  const hasOwner = ancestorsHaveOwner || !!meta?.owner;
  if (meta) checkStageMeta(c, meta, `${path}.meta.stage`, id, hasOwner, allEvents);
  if (cfg.type === 'final' && cfg.on && Object.keys(cfg.on).length) {
    add(
      c,
      `${path}.on`,
      'final.has-actions',
      { 'zh-CN': '结束阶段不能有后续操作', en: 'a final stage cannot have actions' },
      id,
    );
  }
  if (
    (cfg.type === 'compound' || (!cfg.type && cfg.states)) &&
    cfg.states &&
    Object.keys(cfg.states).length &&
    !cfg.initial
  ) {
    add(
      c,
      `${path}.initial`,
      'stage.no-initial',
      { 'zh-CN': '复合阶段需要指定起始子阶段', en: 'a compound stage needs an initial child' },
      id,
    );
  }
  checkTransitions(c, cfg, path, id);
  for (const [k, child] of Object.entries(cfg.states ?? {})) {
    if (/[.#]/.test(k))
      add(
        c,
        `${path}.states.${k}`,
        'stage.bad-key',
        { 'zh-CN': '阶段名不能包含 . 或 #', en: 'a stage key cannot contain . or #' },
        id,
      );
    else if (isReservedName(k))
      add(
        c,
        `${path}.states.${k}`,
        'stage.bad-key',
        {
          'zh-CN': `「${k}」是保留名称，不能用作阶段名`,
          en: `"${k}" is a reserved name and cannot be a stage key`,
        },
        id,
      );
    walkStates(c, child, `${path}.states.${k}`, id ? `${id}.${k}` : k, hasOwner, allEvents);
  }
}

/**
 * Semantic checks of a parsed SOP document; an empty list means it is ready to publish.
 *
 * @example
 * for (const p of validate(doc)) console.log(`${p.path}: ${p.message.en}`);
 */
export function validate(doc: SopDocument, opts: { targets?: HandoffTargets } = {}): Problem[] {
  // past a limit nothing else is checked: the checks below grow with the document
  const limits = checkLimits(doc);
  if (limits.length) return limits;
  const c: Ctx = { doc, fields: new Map(doc.fields.map((f) => [f.key, f])), problems: [] };
  const seen = new Set<string>();
  doc.fields.forEach((f, i) => {
    if (seen.has(f.key))
      add(c, `fields[${i}].key`, 'field.duplicate', {
        'zh-CN': `字段「${f.key}」重复`,
        en: `field "${f.key}" is defined twice`,
      });
    seen.add(f.key);
    if (isReservedName(f.key))
      add(c, `fields[${i}].key`, 'field.reserved-key', {
        'zh-CN': `「${f.key}」是保留名称，不能用作字段名`,
        en: `"${f.key}" is a reserved name and cannot be a field key`,
      });
    if ((f.type === 'select' || f.type === 'multiSelect') && !f.options?.length) {
      add(c, `fields[${i}].options`, 'field.no-options', {
        'zh-CN': `选择字段「${f.key}」需要选项`,
        en: `select field "${f.key}" needs options`,
      });
    }
  });

  c.problems.push(...checkHandoffs(doc, opts.targets));
  let machine: AnyStateMachine;
  try {
    machine = buildMachine(doc.machine);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // XState names the state node whose transition is bad: "state node 'sop.lead.screening'"
    const node = /state node '([^']+)'/.exec(why)?.[1];
    const machineId = doc.machine.id ?? 'sop';
    if (node?.startsWith(`${machineId}.`)) {
      const id = node.slice(machineId.length + 1);
      const at = `machine.states.${id.split('.').join('.states.')}`;
      add(
        c,
        at,
        'xstate.bad-target',
        {
          'zh-CN': `阶段「${stageWords(doc, id)['zh-CN']}」的目标阶段无效：${why}`,
          en: `stage "${stageWords(doc, id).en}" has an invalid target: ${why}`,
        },
        id,
      );
    } else
      add(c, 'machine', 'xstate.invalid', {
        'zh-CN': `XState 配置无效：${why}`,
        en: `invalid XState config: ${why}`,
      });
    return c.problems;
  }
  const g = graphOf(machine);
  const eventsFrom = (stageId: string): Set<string> => {
    const out = new Set<string>();
    for (const [id, n] of g.nodes) {
      const related =
        id === stageId || stageId.startsWith(`${id}.`) || id.startsWith(`${stageId}.`) || id === '';
      if (related) for (const e of Object.keys((n.config as StateConfig).on ?? {})) out.add(e);
    }
    return out;
  };
  walkStates(c, doc.machine as StateConfig, 'machine', '', false, eventsFrom);
  if (g.error) {
    add(
      c,
      `machine.states.${g.error.id.split('.').join('.states.')}`,
      'xstate.bad-target',
      {
        'zh-CN': `「${stageWords(doc, g.error.id)['zh-CN']}」的目标阶段无效：${g.error.message}`,
        en: `"${stageWords(doc, g.error.id).en}" has an invalid target: ${g.error.message}`,
      },
      g.error.id,
    );
    return c.problems;
  }
  const reached = reachable(g);
  for (const [id, n] of g.nodes) {
    if (id === '') continue;
    const p = `machine.states.${id.split('.').join('.states.')}`;
    if (!reached.has(id)) {
      add(
        c,
        p,
        'stage.unreachable',
        {
          'zh-CN': `阶段「${stageWords(doc, id)['zh-CN']}」无法到达`,
          en: `stage "${stageWords(doc, id).en}" cannot be reached`,
        },
        id,
      );
      continue;
    }
    if (n.type === 'atomic') {
      const parts = id.split('.');
      let out = false;
      for (let i = parts.length; i >= 0 && !out; i--) {
        const anc = parts.slice(0, i).join('.');
        if ((g.edges.get(anc) ?? []).length > 0) out = true;
        // a child of a compound whose onDone leads on counts only when it is final
      }
      if (!out)
        add(
          c,
          p,
          'stage.dead-end',
          {
            'zh-CN': `阶段「${stageWords(doc, id)['zh-CN']}」不是结束阶段，却没有任何出口`,
            en: `stage "${stageWords(doc, id).en}" is not final but has no way out`,
          },
          id,
        );
    }
  }
  return c.problems;
}

/** Parse then validate: the one check the CLI, the API and the editor run on a document. */
export function checkSop(
  input: unknown,
  opts: { targets?: HandoffTargets } = {},
): { ok: boolean; doc?: SopDocument; problems: Problem[] } {
  const parsed = parseSop(input);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const problems = validate(parsed.doc, opts);
  return { ok: problems.length === 0, doc: parsed.doc, problems };
}
