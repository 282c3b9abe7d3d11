/**
 * The facts a gate or rule reads: the record's fields, the system facts (`$owner`,
 * `$checklist`, …) and the derived facts the time- and stage-dependent operators compare.
 */
import { toInstant, workingMsBetween } from './calendar.ts';
import type { DerivedKind } from './operators.ts';
import { own } from './own.ts';
import type { LocalizedText } from './sop.ts';
import type { Calendar, Fields } from './types.ts';

/** What a gate or rule is evaluated against. Built by the engine from the record. */
export type FactInput = {
  fields: Fields;
  ownerId: string | null;
  teamId: string | null;
  role: string;
  activeStages: string[];
  /** The stage the action leaves (its checklist, entry time and entry fields). */
  stage: string | null;
  stageEnteredAt: number | null;
  fieldsAtEntry: Fields;
  checklistItems: string[];
  checklistDone: string[];
  now: number;
  calendar: Calendar;
};

export type Derived = { fact: string; kind: DerivedKind; field: string };

/** Facts every gate may read besides the SOP's fields. */
export const SYSTEM_FACTS: Readonly<Record<string, LocalizedText>> = {
  $owner: { 'zh-CN': '负责人', en: 'owner' },
  $team: { 'zh-CN': '团队', en: 'team' },
  $role: { 'zh-CN': '操作人角色', en: "actor's role" },
  $stage: { 'zh-CN': '当前阶段', en: 'current stages' },
  $checklist: { 'zh-CN': '检查清单', en: 'checklist' },
  $timeInStageHours: { 'zh-CN': '阶段停留小时数', en: 'hours in stage' },
};

/** Whether `fact` names a system fact (an own entry: never an inherited name). */
export function isSystemFact(fact: string): boolean {
  return Object.hasOwn(SYSTEM_FACTS, fact);
}

const HOUR = 3_600_000;

function workdayMs(cal: Calendar): number {
  const [sh, sm] = cal.workStart.split(':').map(Number);
  const [eh, em] = cal.workEnd.split(':').map(Number);
  return ((eh ?? 0) * 60 + (em ?? 0) - (sh ?? 0) * 60 - (sm ?? 0)) * 60_000;
}

const SYSTEM_FACT_VALUES: Readonly<Record<string, (input: FactInput) => unknown>> = {
  $owner: (i) => i.ownerId,
  $team: (i) => i.teamId,
  $role: (i) => i.role,
  $stage: (i) => i.activeStages,
  $checklist: (i) => ({ items: i.checklistItems, done: i.checklistDone }),
  $timeInStageHours: (i) => (i.stageEnteredAt === null ? 0 : (i.now - i.stageEnteredAt) / HOUR),
};

/** A fact's value on the record: a system fact, else the field (own keys only). */
export function factValue(input: FactInput, fact: string): unknown {
  const system = own(SYSTEM_FACT_VALUES, fact);
  return system ? system(input) : own(input.fields, fact);
}

function derivedValue(input: FactInput, d: Derived): unknown {
  const v = own(input.fields, d.field);
  if (d.kind === 'changed')
    return JSON.stringify(v ?? null) !== JSON.stringify(own(input.fieldsAtEntry, d.field) ?? null);
  const t = toInstant(v, input.calendar);
  if (t === null) return Number.POSITIVE_INFINITY;
  if (d.kind === 'hoursFrom') return Math.abs(input.now - t) / HOUR;
  const [a, b] = t < input.now ? [t, input.now] : [input.now, t];
  return workingMsBetween(a, b, input.calendar) / workdayMs(input.calendar);
}

/**
 * Only the facts the conditions read: json-rules-engine's cost grows with every fact
 * handed to a run (each becomes a Fact object in a fresh almanac).
 */
export function buildFacts(
  input: FactInput,
  facts: readonly string[],
  derived: readonly Derived[],
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of facts) out.set(f, factValue(input, f));
  for (const d of derived) out.set(d.fact, derivedValue(input, d));
  return out;
}
