/**
 * Filling what a gate asks for, learned from the engine's rejection: each failed condition
 * names its path in the gate and its fields, and the SOP says each field's type. Used by
 * everything that walks an SOP the way a diligent person would — take the next action, read
 * what is missing, fill exactly that, try again — without answers written down per SOP: the
 * library's template tests and the training tests.
 */
import {
  activeStages,
  type CompiledSop,
  type Condition,
  type FieldDef,
  type Fields,
  type FieldValue,
  type GateFailure,
  type LeafCondition,
  type RecordState,
} from '@closeloop/engine';

const HOUR = 3_600_000;
/** China is UTC+8 all year: a date field means the local date. */
const CHINA_OFFSET = 8 * HOUR;

/** Leaf stages of a snapshot value, sorted. */
export function leavesOf(sop: CompiledSop, value: unknown): string[] {
  return activeStages(value)
    .filter((id) => (sop.stageById.get(id)?.children.length ?? 0) === 0)
    .sort();
}

/** Transitions an action could take from the record's active stages (the root included). */
export function candidates(sop: CompiledSop, record: RecordState, action?: string) {
  return ['', ...activeStages(record.value)].flatMap((source) =>
    (sop.transitionsBySource.get(source) ?? []).filter((t) => !action || t.event === action),
  );
}

/** The condition at a failure's path inside a gate, e.g. `all[1].any[0]`. */
export function conditionAt(gate: Condition, path: string): Condition | undefined {
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

const localDate = (at: number) => new Date(at + CHINA_OFFSET).toISOString().slice(0, 10);

/** A valid value of the field's type; `n` makes each one different from the last. */
export function sample(def: FieldDef, now: number, n: number): FieldValue {
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
      return localDate(now);
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
  if (def.type === 'date') return localDate(now + 24 * HOUR);
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
      const pick = String((v as unknown[])[0]);
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
      return def.type === 'date' ? localDate(now) : new Date(now).toISOString();
    case 'changedSinceEntry':
      return differentFrom(def, current, now, n);
    default:
      throw new Error(`the gate filler does not know operator ${leaf.operator}`);
  }
}

export type Fix = { fields: Fields; checklist: Record<string, string[]>; advanceMs: number };

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
  if (!operator) throw new Error(`the gate filler cannot negate operator ${leaf.operator}`);
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
 * by its first alternative. `pending` holds the values already being sent. Throws when a
 * failure does not name the field it is about (the rejection must say what to fill).
 */
export function fixFor(
  sop: CompiledSop,
  record: RecordState,
  action: string,
  failures: GateFailure[],
  now: number,
  next: () => number,
  pending: Fields = {},
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
    if (!def) throw new Error(`the gate filler cannot satisfy fact ${c.fact} of ${action}`);
    if (!failure.fields.includes(c.fact)) {
      throw new Error(
        `the failure at ${failure.path} of ${action} does not name the field ${c.fact} (it names ${failure.fields.join(', ') || 'none'})`,
      );
    }
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
      if (!isLeaf(c.not)) {
        throw new Error(`the gate filler negates single conditions only (${action})`);
      }
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
