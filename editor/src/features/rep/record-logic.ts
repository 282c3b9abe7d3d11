/**
 * The pure parts of the record page: the unsaved draft (kept per record in sessionStorage),
 * which fields an action still needs, the time left per stage and the stages already visited.
 */
import { z } from 'zod/mini';
import { cleanValue } from '../../shared/ui/field-input.tsx';
import type {
  FieldDef,
  Fields,
  FieldValue,
  OpenAction,
  RecordEvent,
  RecordView,
  WorkspaceCalendar,
} from './api.ts';
import { loc, slaClockOf, type TimeLeft, timeLeft } from './format.ts';
import { FieldValueSchema } from './stage-meta.ts';

const DraftSchema = z.record(z.string(), FieldValueSchema);

export const DRAFT_KEY = (id: string) => `closeloop.draft.${id}`;

export function loadDraft(id: string): Fields {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY(id));
    const r = DraftSchema.safeParse(raw ? JSON.parse(raw) : null);
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

export function saveDraft(id: string, draft: Fields): void {
  try {
    if (Object.keys(draft).length) sessionStorage.setItem(DRAFT_KEY(id), JSON.stringify(draft));
    else sessionStorage.removeItem(DRAFT_KEY(id));
  } catch {
    // storage full or blocked: the draft lives in memory only
  }
}

const sameValue = (def: FieldDef | undefined, v: FieldValue, saved: FieldValue | undefined) =>
  JSON.stringify(cleanValue(def, v)) === JSON.stringify(saved ?? null);

/** The draft with one field typed: a value equal to the saved one is no change. */
export function draftWith(
  draft: Fields,
  defs: Map<string, FieldDef>,
  saved: Fields,
  key: string,
  v: FieldValue,
): Fields {
  const next = { ...draft };
  if (sameValue(defs.get(key), v, saved[key])) delete next[key];
  else next[key] = v;
  return next;
}

/** What is left of the draft once the server saved `saved`: what was typed after the request went out. */
export function draftAfterSave(draft: Fields, defs: Map<string, FieldDef>, saved: Fields): Fields {
  const next: Fields = {};
  for (const [k, v] of Object.entries(draft)) {
    if (!sameValue(defs.get(k), v, saved[k])) next[k] = v;
  }
  return next;
}

export function cleanDraftOf(draft: Fields, defs: Map<string, FieldDef>): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(draft)) out[k] = cleanValue(defs.get(k), v);
  return out;
}

/** Field key → labels of the actions that still need it (only the main way forward, when it has not passed). */
export function neededByOf(primary: OpenAction | undefined | null): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const a of primary && !primary.passed ? [primary] : []) {
    for (const f of a.failures)
      for (const k of f.fields)
        m.set(k, [...new Set([...(m.get(k) ?? []), loc(a.label, a.action)])]);
  }
  return m;
}

/** The nearest deadline of a stage (or of a parent stage it sits in), as time left. */
export function stageTimeLeft(
  record: Pick<RecordView, 'timers'>,
  stageId: string,
  clockOf: (stage: string) => 'wall' | 'working' | undefined,
  now: number,
  calendar?: WorkspaceCalendar,
): TimeLeft | null {
  const due = record.timers
    .filter(
      (x) => x.kind === 'deadline' && (x.stage === stageId || stageId.startsWith(`${x.stage}.`)),
    )
    .map((x) => x.dueAt)
    .sort((a, b) => a - b)[0];
  if (due === undefined) return null;
  const owner =
    record.timers.find((x) => x.kind === 'deadline' && x.dueAt === due)?.stage ?? stageId;
  return timeLeft(due, now, clockOf(owner) ?? 'wall', calendar);
}

export function visitedStages(events: RecordEvent[] | undefined): Set<string> {
  const s = new Set<string>();
  for (const e of events ?? []) {
    if (e.type === 'stage.entered' && typeof e.data.stage === 'string') s.add(e.data.stage);
  }
  return s;
}

/** The record's own time left: to its due time, on the clock of the stage that set it. */
export function recordTimeLeft(
  record: Pick<RecordView, 'timers' | 'dueAt'>,
  stageById: Map<string, { meta?: unknown }>,
  now: number,
  calendar?: WorkspaceCalendar,
): TimeLeft {
  const clock = slaClockOf(record, (id) => stageById.get(id)?.meta);
  return timeLeft(record.dueAt, now, clock, calendar);
}

/** The fields no current stage shows, for the "all fields" list. */
export function otherFieldsOf(
  fields: FieldDef[],
  currentStages: string[],
  metaOf: (id: string) => { fields?: string[] } | null | undefined,
): FieldDef[] {
  const shownKeys = new Set(currentStages.flatMap((id) => metaOf(id)?.fields ?? []));
  return fields.filter((f) => !shownKeys.has(f.key));
}
