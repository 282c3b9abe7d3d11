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
  type Condition,
  compile,
  enumeratePaths,
  type Fields,
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
import { candidates, fixFor, leavesOf } from './gate-filler.ts';
import { getTemplate, type LibraryTemplate, templates } from './index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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
  it('holds the templates of the brief and the repeat-purchase order, in order', () => {
    expect(templates.map((t) => t.id)).toEqual([
      'closed-loop',
      'inbound-web-lead',
      'trade-show-leads',
      'b2b-manufacturing',
      'after-sales-handoff',
      'repeat-purchase',
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
