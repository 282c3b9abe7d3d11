/**
 * Every library template parses, validates, speaks both languages, and can be walked along
 * every path from the start to a final stage by filling exactly what each gate asks for.
 *
 * The walker is generic: it learns the field values from the engine's rejection (each
 * failed condition with its fields), never from answers written down per template.
 */
import { readFileSync } from 'node:fs';
import {
  activeStages,
  type CompiledSop,
  type Condition,
  compile,
  enumeratePaths,
  type FieldDef,
  type Fields,
  type FieldValue,
  type GateFailure,
  type LeafCondition,
  parseSop,
  type RecordState,
  type Role,
  SIM_START,
  type SimCommand,
  type Simulation,
  type SopDocument,
  simulate,
  validate,
} from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { getTemplate, type LibraryTemplate, templates } from './index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// ---------------------------------------------------------------- reading a document

function leavesOf(sop: CompiledSop, value: unknown): string[] {
  return activeStages(value)
    .filter((id) => (sop.stageById.get(id)?.children.length ?? 0) === 0)
    .sort();
}

/** Transitions an action could take from the record's active stages (the root included). */
function candidates(sop: CompiledSop, record: RecordState, action?: string) {
  return ['', ...activeStages(record.value)].flatMap((source) =>
    (sop.transitionsBySource.get(source) ?? []).filter((t) => !action || t.event === action),
  );
}

/** The condition at a failure's path inside a gate, e.g. `all[1].any[0]`. */
function conditionAt(gate: Condition, path: string): Condition | undefined {
  let node: Condition | undefined = gate;
  for (const part of path.split('.')) {
    if (!node) return undefined;
    if (part === 'not') {
      node = 'not' in node ? node.not : undefined;
      continue;
    }
    const m = /^(all|any)\[(\d+)\]$/.exec(part);
    if (!m) return undefined;
    const list: Condition[] | undefined =
      m[1] === 'all'
        ? 'all' in node
          ? node.all
          : undefined
        : 'any' in node
          ? node.any
          : undefined;
    node = list?.[Number(m[2])];
  }
  return node;
}

function isLeaf(c: Condition | undefined): c is LeafCondition {
  return !!c && 'fact' in c;
}

// ---------------------------------------------------------------- making up field values

/** A valid value of the field's type; `n` makes each one different from the last. */
function sample(def: FieldDef, now: number, n: number): FieldValue {
  const first = def.options?.[0]?.value ?? 'x';
  switch (def.type) {
    case 'text':
      return `示例${def.label['zh-CN']} ${n}`;
    case 'longText':
      return `示例记录 ${n}：${def.label['zh-CN']}`;
    case 'number':
      return n;
    case 'money':
      return 10_000 * n;
    case 'date':
      return new Date(now).toISOString().slice(0, 10);
    case 'datetime':
      return new Date(now + n * HOUR).toISOString();
    case 'select':
      return first;
    case 'multiSelect':
      return [first];
    case 'phone':
      return '13800138000';
    case 'email':
      return 'zhang.wei@example.com';
    case 'user':
      return `user-${n}`;
    case 'boolean':
      return true;
    case 'url':
      return 'https://example.com/files/1.pdf';
  }
}

/** A valid value of the field's type that differs from `other`. */
function differentFrom(def: FieldDef, other: unknown, now: number, n: number): FieldValue {
  const same = (v: unknown) => JSON.stringify(v ?? null) === JSON.stringify(other ?? null);
  for (const option of def.options ?? []) {
    const v = def.type === 'multiSelect' ? [option.value] : option.value;
    if (!same(v)) return v;
  }
  if (def.type === 'boolean') return other !== true;
  const v = sample(def, now, n);
  if (!same(v)) return v;
  if (def.type === 'date') return new Date(now + 24 * HOUR).toISOString().slice(0, 10);
  throw new Error(`cannot find a value of ${def.key} other than ${JSON.stringify(other)}`);
}

const PATTERN_CANDIDATES: Partial<Record<FieldDef['type'], string[]>> = {
  phone: ['13800138000', '02162345678', '4008001234'],
  email: ['zhang.wei@example.com'],
  url: ['https://example.com/files/1.pdf'],
  text: ['ABC-2026-001', '2026001', '示例'],
};

/** A value that satisfies one leaf condition on a field. */
function satisfy(
  leaf: LeafCondition,
  def: FieldDef,
  current: unknown,
  now: number,
  n: number,
): FieldValue {
  const v = leaf.value;
  const num = Number(v);
  switch (leaf.operator) {
    case 'isNotEmpty':
      return v === false ? null : sample(def, now, n);
    case 'isEmpty':
      return v === false ? sample(def, now, n) : null;
    case 'equal':
      return v as FieldValue;
    case 'notEqual':
      return differentFrom(def, v, now, n);
    case 'greaterThan':
      return num + 1;
    case 'greaterThanInclusive':
    case 'lessThanInclusive':
      return num;
    case 'lessThan':
      return num - 1;
    case 'in':
    case 'inList': {
      const pick = (v as FieldValue[])[0] as string;
      return def.type === 'multiSelect' ? [pick] : pick;
    }
    case 'notIn': {
      const list = v as unknown[];
      const option = def.options?.find((o) => !list.includes(o.value));
      if (option) return def.type === 'multiSelect' ? [option.value] : option.value;
      return sample(def, now, n);
    }
    case 'contains':
      return def.type === 'multiSelect' ? [String(v)] : `示例 ${String(v)}`;
    case 'doesNotContain':
      return def.type === 'multiSelect' ? [] : sample(def, now, n);
    case 'matchesPattern': {
      const re = new RegExp(String(v));
      const found = [...(PATTERN_CANDIDATES[def.type] ?? []), String(sample(def, now, n))].find(
        (c) => re.test(c),
      );
      if (found === undefined) throw new Error(`no sample of ${def.key} matches ${String(v)}`);
      return found;
    }
    case 'withinHours':
    case 'withinWorkingDays':
      return def.type === 'date'
        ? new Date(now).toISOString().slice(0, 10)
        : new Date(now).toISOString();
    case 'changedSinceEntry':
      return differentFrom(def, current, now, n);
    default:
      throw new Error(`the walker does not know operator ${leaf.operator}`);
  }
}

type Fix = { fields: Fields; checklist: Record<string, string[]>; advanceMs: number };

/** json-rules-engine lets a condition's value name another fact: `{ "fact": "leaver" }`. */
function factRef(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const fact = (value as { fact?: unknown }).fact;
  return typeof fact === 'string' ? fact : null;
}

/** The opposite of a leaf, for a failed `not`: a value that makes the leaf false. */
function negation(leaf: LeafCondition): LeafCondition {
  const flip: Record<string, string> = {
    isEmpty: 'isNotEmpty',
    isNotEmpty: 'isEmpty',
    equal: 'notEqual',
    notEqual: 'equal',
    in: 'notIn',
    notIn: 'in',
    contains: 'doesNotContain',
    doesNotContain: 'contains',
  };
  const operator = flip[leaf.operator];
  if (!operator) throw new Error(`the walker cannot negate operator ${leaf.operator}`);
  return { ...leaf, operator };
}

/** Whether `node` is what a failure describes: its leaf, its group or its `not`. */
function describes(node: Condition | undefined, failure: GateFailure): node is Condition {
  if (!node) return false;
  if (failure.operator === 'group') return 'all' in node || 'any' in node;
  if (failure.operator === 'not') return 'not' in node;
  return isLeaf(node) && node.fact === failure.fact && node.operator === failure.operator;
}

/**
 * What to change so the failed conditions pass: the value each failed leaf needs, every
 * checklist item of the active stages, or time in stage. A failure may name a leaf, or a
 * whole group when the author gave the group its own message; a failed `any` is satisfied
 * by its first alternative. `pending` holds the values already being sent.
 */
function fixFor(
  sop: CompiledSop,
  record: RecordState,
  action: string,
  failures: GateFailure[],
  now: number,
  next: () => number,
  pending: Fields,
): Fix {
  const fix: Fix = { fields: {}, checklist: {}, advanceMs: 0 };
  const gates = candidates(sop, record, action).flatMap((t) => (t.meta?.gate ? [t.meta.gate] : []));

  const leaf = (c: LeafCondition, failure: GateFailure) => {
    if (c.fact === '$checklist') {
      for (const stage of activeStages(record.value)) {
        const items = sop.stageById.get(stage)?.meta?.checklist ?? [];
        if (items.length) fix.checklist[stage] = items.map((i) => i.id);
      }
      return;
    }
    if (c.fact === '$timeInStageHours') {
      fix.advanceMs = Math.max(fix.advanceMs, (Number(c.value) + 1) * HOUR);
      return;
    }
    const def = sop.fieldDefs.get(c.fact);
    if (!def) throw new Error(`the walker cannot satisfy fact ${c.fact} of ${action}`);
    expect(failure.fields).toContain(c.fact);
    const ref = factRef(c.value);
    const known: Fields = { ...record.fields, ...pending, ...fix.fields };
    const resolved = ref ? { ...c, value: known[ref] ?? null } : c;
    fix.fields[c.fact] = satisfy(resolved, def, record.fields[c.fact], now, next());
  };
  const apply = (c: Condition, failure: GateFailure): void => {
    if ('all' in c) for (const x of c.all) apply(x, failure);
    else if ('any' in c) {
      const first = c.any[0];
      if (first) apply(first, failure);
    } else if ('not' in c) {
      if (!isLeaf(c.not)) throw new Error(`the walker negates single conditions only (${action})`);
      leaf(negation(c.not), failure);
    } else leaf(c, failure);
  };

  // without a group message, a failed `any` lists every alternative: satisfy one of them
  const anyGroups = new Set<string>();
  for (const failure of failures) {
    const anyAt = failure.path.lastIndexOf('any[');
    if (anyAt >= 0) {
      const group = failure.path.slice(0, anyAt);
      if (anyGroups.has(group)) continue;
      anyGroups.add(group);
    }
    const node = gates
      .map((g) => (failure.path === '(gate)' ? g : conditionAt(g, failure.path)))
      .find((c) => describes(c, failure));
    if (!node) throw new Error(`cannot find the condition at ${failure.path} of ${action}`);
    apply(node, failure);
  }
  return fix;
}

// ---------------------------------------------------------------- walking

type Walked = { commands: SimCommand[]; sim: Simulation & { record: RecordState } };

/**
 * Performs `action` after `prefix`, as a rep unless the action names its roles, retrying
 * with whatever the rejection says is missing.
 */
async function performFilling(
  doc: SopDocument,
  prefix: SimCommand[],
  action: string,
  counter: { n: number },
): Promise<Walked> {
  const sop = compile(doc);
  let fields: Fields = {};
  let checklist: Record<string, string[]> = {};
  let role: Role = 'rep';
  const before: SimCommand[] = [];
  const tried: string[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    const cmd: SimCommand = { type: 'perform', action, fields, checklist, role };
    const commands = [...prefix, ...before, cmd];
    const sim = await simulate(doc, commands);
    if (sim.ok && sim.record) return { commands, sim: { ...sim, record: sim.record } };
    const rejection = sim.rejection;
    const record = sim.record;
    if (!rejection || !record) throw new Error(`${action}: the simulation did not start`);
    tried.push(`${rejection.code}: ${rejection.failures.map((f) => f.message.en).join('; ')}`);
    if (rejection.code === 'role-not-allowed') {
      const roles = candidates(sop, record, action).flatMap((t) => t.meta?.roles ?? []);
      const allowed = roles.find((r) => r !== role);
      if (!allowed) break;
      role = allowed;
      continue;
    }
    if (rejection.code !== 'gate-failed') break;
    const next = () => ++counter.n;
    const fix = fixFor(sop, record, action, rejection.failures, sim.now, next, fields);
    fields = { ...fields, ...fix.fields };
    checklist = { ...checklist, ...fix.checklist };
    if (fix.advanceMs) before.push({ type: 'advance', ms: fix.advanceMs });
  }
  throw new Error(`cannot perform ${action}:\n  ${tried.join('\n  ')}`);
}

function performed(sim: Simulation): string[] {
  const last = sim.trace.at(-1);
  const event = last?.events.find((e) => e.type === 'action.performed');
  const keys = event?.data.transitions;
  return Array.isArray(keys) ? keys.map(String) : [];
}

// ---------------------------------------------------------------- texts

type TextProblem = { path: string; why: string };

/** Every {zh-CN, en} object in the document: both present, non-empty, Chinese really Chinese. */
function textProblems(value: unknown, path = ''): TextProblem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => textProblems(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const out: TextProblem[] = [];
  if ('zh-CN' in o || 'en' in o) {
    const zh = o['zh-CN'];
    const en = o.en;
    if (typeof zh !== 'string' || zh.trim() === '') out.push({ path, why: 'zh-CN is empty' });
    else if (!/\p{Script=Han}/u.test(zh)) out.push({ path, why: `zh-CN has no Chinese: ${zh}` });
    if (typeof en !== 'string' || en.trim() === '') out.push({ path, why: 'en is empty' });
    return out;
  }
  for (const [k, v] of Object.entries(o)) out.push(...textProblems(v, path ? `${path}.${k}` : k));
  return out;
}

// ---------------------------------------------------------------- the suite

describe.each(templates)('template $id', (template: LibraryTemplate) => {
  const { doc, file, id } = template;
  const sop = compile(doc);

  it('parses from its file as an unversioned template named after the file', () => {
    const parsed = parseSop(readFileSync(new URL(file, import.meta.url), 'utf8'));
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    expect(doc.version).toBe(0);
    expect(file).toBe(`templates/${id}.json`);
    expect(doc.machine.id).toBe(id);
  });

  it('validates with no problems', () => {
    expect(validate(doc)).toEqual([]);
  });

  it('has every user-facing string in zh-CN and en', () => {
    expect(textProblems(doc)).toEqual([]);
  });

  it('titles every stage, labels every action and explains every gate condition', () => {
    const missing: string[] = [];
    for (const stage of sop.stages) if (!stage.meta?.title) missing.push(`stage ${stage.id}`);
    for (const t of sop.transitionByKey.values()) {
      if (!t.meta?.label) missing.push(`label of ${t.key}`);
      const walk = (c: Condition, at: string): void => {
        if ('all' in c || 'any' in c) {
          const [kind, list] = 'all' in c ? ['all', c.all] : ['any', c.any];
          for (const [i, x] of list.entries()) walk(x, `${at}.${kind}[${i}]`);
        } else if ('not' in c) walk(c.not, `${at}.not`);
        else if (!c.message) missing.push(`message of ${t.key} ${at}`);
      };
      if (t.meta?.gate) walk(t.meta.gate, 'gate');
    }
    expect(missing).toEqual([]);
  });

  it('gives every working stage an owner and a time limit, and has a lost ending', () => {
    const loose: string[] = [];
    const owned = (id: string | null): boolean =>
      id !== null &&
      (!!sop.stageById.get(id)?.meta?.owner || owned(sop.stageById.get(id)?.parentId ?? null));
    const timed = (id: string | null): boolean =>
      id !== null &&
      (!!sop.stageById.get(id)?.meta?.sla || timed(sop.stageById.get(id)?.parentId ?? null));
    for (const s of sop.stages) {
      if (s.type !== 'atomic') continue;
      if (!owned(s.id)) loose.push(`${s.id} has no owner`);
      if (!timed(s.id)) loose.push(`${s.id} has no SLA`);
    }
    expect(loose).toEqual([]);
    const endings = sop.stages.filter((s) => s.final && s.parentId === null);
    expect(endings.every((s) => s.outcome)).toBe(true);
    expect(endings.map((s) => s.outcome)).toContain('lost');
  });

  it('walks every path from the start to a final stage, filling what each gate asks for', async () => {
    const paths = enumeratePaths(doc);
    expect(paths.length).toBeGreaterThan(0);
    const solved = new Map<string, Walked>();
    const counter = { n: 0 };
    for (const path of paths) {
      let walked: Walked | undefined;
      const actions: string[] = [];
      for (const step of path.steps) {
        actions.push(step.action);
        const key = actions.join(' > ');
        const hit = solved.get(key);
        if (hit) {
          walked = hit;
          continue;
        }
        walked = await performFilling(doc, walked?.commands ?? [], step.action, counter);
        expect(leavesOf(sop, walked.sim.record.value), key).toEqual([...step.to].sort());
        solved.set(key, walked);
      }
      if (!walked) throw new Error('a path without steps');
      const record = walked.sim.record;
      const final = sop.stageById.get(path.final);
      expect(leavesOf(sop, record.value)).toContain(path.final);
      expect(record.status, actions.join(' > ')).toBe(final?.outcome ?? 'done');
      expect(record.timers).toEqual([]);
    }
  });

  it('takes every action of every stage at least once, loops included', async () => {
    const taken = new Set<string>();
    const visited = new Set<string>();
    const counter = { n: 0 };
    const start = await simulate(doc, []);
    if (!start.record) throw new Error('the record was not created');
    const keyOf = (r: RecordState) => `${r.status}:${JSON.stringify(r.value)}`;
    const seen = new Set([keyOf(start.record)]);
    const queue: Array<{ commands: SimCommand[]; record: RecordState }> = [
      { commands: [], record: start.record },
    ];
    for (let item = queue.shift(); item; item = queue.shift()) {
      for (const s of activeStages(item.record.value)) visited.add(s);
      if (item.record.status !== 'open') continue;
      const events = new Set(candidates(sop, item.record).map((t) => t.event));
      for (const action of events) {
        const walked = await performFilling(doc, item.commands, action, counter);
        for (const k of performed(walked.sim)) taken.add(k);
        const key = keyOf(walked.sim.record);
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push({ commands: walked.commands, record: walked.sim.record });
      }
    }
    expect([...sop.transitionByKey.keys()].filter((k) => !taken.has(k))).toEqual([]);
    expect(sop.stages.map((s) => s.id).filter((s) => !visited.has(s))).toEqual([]);
  });
});

// ---------------------------------------------------------------- what the library promises

function templateDoc(id: string): SopDocument {
  const t = getTemplate(id);
  if (!t) throw new Error(`no template ${id}`);
  return t.doc;
}

function timersFired(sim: Simulation, start: number): Array<[minutes: number, event: string]> {
  return sim.trace
    .filter((s) => s.command.type === 'timer')
    .flatMap((s) =>
      s.events
        .filter((e) => e.type.startsWith('escalation.') || e.type === 'sla.breached')
        .map((e): [number, string] => [(s.at - start) / MINUTE, e.type]),
    );
}

describe('the library', () => {
  it('holds the six templates of the brief, in order', () => {
    expect(templates.map((t) => t.id)).toEqual([
      'closed-loop',
      'inbound-web-lead',
      'trade-show-leads',
      'b2b-manufacturing',
      'after-sales-handoff',
      'departure-handover',
    ]);
  });

  it('uses nested and parallel stages', () => {
    const types = templates.flatMap((t) => compile(t.doc).stages.map((s) => s.type));
    expect(types).toContain('compound');
    expect(types).toContain('parallel');
  });

  it('closed loop: runs through the six links of the brief in order', () => {
    const keys = Object.keys(templateDoc('closed-loop').machine.states);
    const links = ['capture', 'screening', 'opportunity', 'followUp', 'contract', 'service'];
    expect(keys.filter((k) => links.includes(k))).toEqual(links);
  });

  it('closed loop: a discount above 15% needs the manager', async () => {
    const doc = templateDoc('closed-loop');
    const counter = { n: 0 };
    let commands: SimCommand[] = [];
    for (const action of ['SUBMIT', 'QUALIFY', 'CONFIRM', 'LOG_FIRST_CONTACT', 'NEEDS_CONFIRMED'])
      ({ commands } = await performFilling(doc, commands, action, counter));
    const fields = { proposalAmount: 180_000, discountRate: 20 };
    const asRep = await simulate(doc, [
      ...commands,
      { type: 'perform', action: 'ACCEPT', fields, role: 'rep' },
    ]);
    expect(asRep.rejection?.code).toBe('gate-failed');
    expect(asRep.rejection?.failures.map((f) => [f.fields, f.message['zh-CN']])).toEqual([
      [['discountRate'], '折扣不能超过 15%（无折扣请填 0）；更大的折扣请找主管特批'],
    ]);
    const special = { type: 'perform', action: 'APPROVE_SPECIAL_DISCOUNT', fields } as const;
    const repTries = await simulate(doc, [...commands, { ...special, role: 'rep' }]);
    expect(repTries.rejection?.code).toBe('role-not-allowed');
    const manager = await simulate(doc, [...commands, { ...special, role: 'manager' }]);
    expect(manager.ok).toBe(true);
    expect(leavesOf(compile(doc), manager.record?.value)).toEqual([
      'contract.paperwork.drafting',
      'contract.payment.awaitingPayment',
    ]);
  });

  it('departure handover: the successor cannot be the departing rep', async () => {
    const doc = templateDoc('departure-handover');
    const sim = await simulate(doc, [
      {
        type: 'perform',
        action: 'START',
        role: 'manager',
        fields: { leaver: 'sales-rep1', successor: 'sales-rep1', lastWorkingDay: '2026-11-30' },
        checklist: { initiated: ['permissions', 'hr', 'successorBriefed'] },
      },
    ]);
    expect(sim.rejection?.failures.map((f) => f.message.en)).toEqual([
      'The successor cannot be the departing rep',
    ]);
  });

  it('inbound web lead: reminds at 10 minutes, alerts the manager at 15, reassigns at 30', async () => {
    const doc = templateDoc('inbound-web-lead');
    const sim = await simulate(doc, [{ type: 'advance', ms: 31 * MINUTE }]);
    expect(sim.ok).toBe(true);
    expect(timersFired(sim, SIM_START)).toEqual([
      [10, 'escalation.reminded'],
      [15, 'sla.breached'],
      [15, 'escalation.notified'],
      [30, 'escalation.reassigned'],
    ]);
    const created = sim.trace[0]?.effects.find((e) => e.type === 'assign');
    expect(created?.type === 'assign' && created.userId).toBeTruthy();
    expect(sim.record?.ownerId).not.toBe(created?.type === 'assign' ? created.userId : null);
  });

  it('trade-show leads: a lead assigned on Friday afternoon is due on Tuesday afternoon', async () => {
    const doc = templateDoc('trade-show-leads');
    const friday = Date.parse('2026-11-06T15:00:00+08:00');
    const walked = await performFilling(doc, [], 'ASSIGN', { n: 0 });
    const sim = await simulate(doc, walked.commands, { start: friday });
    expect(sim.record?.value).toBe('followUp');
    expect(sim.record?.dueAt).toBe(Date.parse('2026-11-10T15:00:00+08:00'));
  });

  it('trade-show leads: a lead nobody follows up goes back to the pool after 3 working days', async () => {
    const doc = templateDoc('trade-show-leads');
    const walked = await performFilling(doc, [], 'ASSIGN', { n: 0 });
    const sim = await simulate(doc, [...walked.commands, { type: 'advance', ms: 4 * 24 * HOUR }]);
    expect(sim.record?.value).toBe('pool');
    expect(timersFired(sim, SIM_START).map(([, e]) => e)).toEqual([
      'escalation.reminded',
      'sla.breached',
      'escalation.notified',
    ]);
  });
});
