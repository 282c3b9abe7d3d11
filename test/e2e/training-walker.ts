/**
 * Walks practice paths through the API the way a diligent trainee would: take the path's
 * next action, read what the gate says is missing, fill exactly that, try again. Field values
 * are learned from the gate's failures and the SOP's conditions (the idea of the library's
 * template walker), never written down per SOP.
 */
import {
  activeStages,
  type CompiledSop,
  type Condition,
  compile,
  type FieldDef,
  type Fields,
  type FieldValue,
  type GateFailure,
  type LeafCondition,
  parseSop,
  type RecordState,
  type SopDocument,
} from '@closeloop/engine';

/** Any signed-in API call: method, path, JSON body → status and parsed body. */
export type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

const HOUR = 3600_000;

export type PracticeState = {
  id: string;
  version: number;
  status: 'active' | 'finished' | 'abandoned';
  simNow: number;
  record: RecordState & { currentStages: string[] };
  walkedPath: string | null;
  actions: Array<{ action: string; actingAs?: string }>;
};
export type Outcome = {
  ok: boolean;
  rejection?: { code: string; failures: GateFailure[] };
  fired: Array<{ stage: string; kind: string }>;
  notices: unknown[];
  finished: boolean;
  walkedPath: string | null;
};
export type Progress = {
  pathsWalked: number;
  pathsTotal: number;
  percent: number;
  complete: boolean;
};
export type TrainingPath = {
  key: string;
  steps: Array<{ action: string }>;
  final: string;
  walked: boolean;
};

function sample(def: FieldDef, now: number, n: number): FieldValue {
  const first = def.options?.[0]?.value ?? 'x';
  switch (def.type) {
    case 'text':
      return `练习 ${def.label['zh-CN']} ${n}`;
    case 'longText':
      return `练习记录 ${n}：${def.label['zh-CN']}`;
    case 'number':
      return n;
    case 'money':
      return 10_000 * n;
    case 'date':
      return new Date(now + 8 * HOUR).toISOString().slice(0, 10);
    case 'datetime':
      return new Date(now).toISOString();
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

function other(def: FieldDef, not: unknown, now: number, n: number): FieldValue {
  const same = (v: unknown) => JSON.stringify(v ?? null) === JSON.stringify(not ?? null);
  for (const o of def.options ?? []) {
    const v = def.type === 'multiSelect' ? [o.value] : o.value;
    if (!same(v)) return v;
  }
  if (def.type === 'boolean') return not !== true;
  const v = sample(def, now, n);
  return same(v) ? `${String(v)}+` : v;
}

function satisfy(leaf: LeafCondition, def: FieldDef, current: unknown, now: number, n: number) {
  const v = leaf.value;
  switch (leaf.operator) {
    case 'isNotEmpty':
      return v === false ? null : sample(def, now, n);
    case 'isEmpty':
      return v === false ? sample(def, now, n) : null;
    case 'equal':
      return v as FieldValue;
    case 'notEqual':
      return other(def, v, now, n);
    case 'greaterThan':
      return Number(v) + 1;
    case 'greaterThanInclusive':
    case 'lessThanInclusive':
      return Number(v);
    case 'lessThan':
      return Number(v) - 1;
    case 'in':
    case 'inList': {
      const pick = String((v as unknown[])[0]);
      return def.type === 'multiSelect' ? [pick] : pick;
    }
    case 'notIn': {
      const o = def.options?.find((x) => !(v as unknown[]).includes(x.value));
      return o ? (def.type === 'multiSelect' ? [o.value] : o.value) : sample(def, now, n);
    }
    case 'contains':
      return def.type === 'multiSelect' ? [String(v)] : `练习 ${String(v)}`;
    case 'withinHours':
    case 'withinWorkingDays':
      return def.type === 'date'
        ? new Date(now).toISOString().slice(0, 10)
        : new Date(now).toISOString();
    case 'changedSinceEntry':
      return other(def, current, now, n);
    default:
      throw new Error(`the walker does not know operator ${leaf.operator}`);
  }
}

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

type Fix = { fields: Fields; checklist: Record<string, string[]>; advanceMs: number };

/** What to fill so the failed conditions pass (a failed `any` takes its first alternative). */
function fixFor(
  sop: CompiledSop,
  record: RecordState,
  action: string,
  failures: GateFailure[],
  now: number,
  next: () => number,
): Fix {
  const fix: Fix = { fields: {}, checklist: {}, advanceMs: 0 };
  const gates = ['', ...activeStages(record.value)]
    .flatMap((s) => sop.transitionsBySource.get(s) ?? [])
    .filter((t) => t.event === action)
    .flatMap((t) => (t.meta?.gate ? [t.meta.gate] : []));
  const leaf = (c: LeafCondition) => {
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
    if (!def) throw new Error(`cannot satisfy ${c.fact} for ${action}`);
    fix.fields[c.fact] = satisfy(c, def, record.fields[c.fact], now, next());
  };
  const apply = (c: Condition): void => {
    if ('all' in c) for (const x of c.all) apply(x);
    else if ('any' in c) {
      const first = c.any[0];
      if (first) apply(first);
    } else if ('not' in c) throw new Error(`the walker does not negate (${action})`);
    else leaf(c);
  };
  const groups = new Set<string>();
  for (const f of failures) {
    const at = f.path.lastIndexOf('any[');
    if (at >= 0) {
      const group = f.path.slice(0, at);
      if (groups.has(group)) continue;
      groups.add(group);
    }
    const node = gates
      .map((g) => (f.path === '(gate)' ? g : conditionAt(g, f.path)))
      .find((c) => c !== undefined);
    if (!node) throw new Error(`no condition at ${f.path} of ${action}`);
    apply(node);
  }
  return fix;
}

export type Walker = {
  doc: SopDocument;
  sop: CompiledSop;
  counter: { n: number };
};

/** The SOP's published document, from the library API. */
export async function walkerFor(api: Api, sopId: string): Promise<Walker> {
  const r = await api('GET', `/api/library/sops/${sopId}`);
  if (r.status !== 200) throw new Error(`library sop ${sopId}: ${r.status}`);
  const parsed = parseSop((r.body as { doc: unknown }).doc);
  if (!parsed.ok) throw new Error('the published SOP does not parse');
  return { doc: parsed.doc, sop: compile(parsed.doc), counter: { n: 0 } };
}

type CommandResponse = { practice: PracticeState; outcome: Outcome; progress: Progress };

export async function command(api: Api, p: PracticeState, cmd: unknown): Promise<CommandResponse> {
  const r = await api('POST', `/api/training/practice/${p.id}/commands`, {
    version: p.version,
    command: cmd,
  });
  if (r.status !== 200)
    throw new Error(`practice command failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as CommandResponse;
}

/** Performs `action`, filling what its gate asks for; returns the accepted response. */
export async function performFilling(
  api: Api,
  w: Walker,
  start: PracticeState,
  action: string,
): Promise<CommandResponse> {
  let p = start;
  let fields: Fields = {};
  let checklist: Record<string, string[]> = {};
  const tried: string[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    const res = await command(api, p, { type: 'perform', action, fields, checklist });
    if (res.outcome.ok) return res;
    const rej = res.outcome.rejection;
    tried.push(`${rej?.code}: ${rej?.failures.map((f) => f.message.en).join('; ')}`);
    if (rej?.code !== 'gate-failed') break;
    const fix = fixFor(w.sop, p.record, action, rej.failures, p.simNow, () => ++w.counter.n);
    fields = { ...fields, ...fix.fields };
    checklist = { ...checklist, ...fix.checklist };
    if (fix.advanceMs) p = (await command(api, p, { type: 'advance', ms: fix.advanceMs })).practice;
  }
  throw new Error(`cannot perform ${action}:\n  ${tried.join('\n  ')}`);
}

/** Starts a run and walks one path to its final stage; returns the last response. */
export async function walkPath(
  api: Api,
  w: Walker,
  assignmentId: string,
  path: TrainingPath,
): Promise<CommandResponse> {
  const started = await api('POST', `/api/training/assignments/${assignmentId}/practice`);
  if (started.status !== 201) throw new Error(`startPractice: ${started.status}`);
  let p = (started.body as { practice: PracticeState }).practice;
  let last: CommandResponse | null = null;
  for (const step of path.steps) {
    last = await performFilling(api, w, p, step.action);
    p = last.practice;
  }
  if (!last) throw new Error('a path without steps');
  return last;
}
