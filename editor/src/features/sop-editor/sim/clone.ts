/**
 * A live record copied onto the draft, for the simulator. The copy lives in the browser
 * only: its fields, stages, checklist and entry times come from the record; its SLA timers
 * are worked out again from the draft's SLAs (anchored at each stage's entry time), so the
 * manager sees when the record would escalate under the draft.
 */
import {
  activeStages,
  addDuration,
  type Calendar,
  checkFields,
  compile,
  type Fields,
  type RecordState,
  type SopDocument,
  type TimerSpec,
  toInstant,
} from '@closeloop/engine';

/** The parts of a record (as `GET /api/records/{id}` returns it) a clone copies. */
export type CloneSource = Omit<RecordState, 'stages' | 'timers' | 'dueAt'> & {
  stages: Record<string, { enteredAt: number; entry: number; fieldsAtEntry?: Fields }>;
};

export type CloneResult =
  | {
      ok: true;
      record: RecordState;
      /** Field values the draft no longer has, or no longer accepts, left out of the copy. */
      droppedFields: string[];
      /** Escalation rungs already due before `now` under the draft: counted as fired. */
      pastRungs: number;
    }
  | {
      ok: false;
      /** The record's stages the draft does not have (or cannot resolve). */
      missing: string[];
      /** The record's fields the draft accepts: to start a fresh record at the initial stage. */
      fields: Fields;
      droppedFields: string[];
    };

/** The record's fields the draft knows and accepts, and the keys it had to leave out. */
export function fieldsForDraft(
  doc: SopDocument,
  fields: Fields,
): { fields: Fields; dropped: string[] } {
  const defs = compile(doc).fieldDefs;
  const out: Fields = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) continue;
    const checked = checkFields(defs, { [key]: value });
    if (checked.ok && key in checked.fields) out[key] = checked.fields[key] ?? null;
    else dropped.push(key);
  }
  return { fields: out, dropped };
}

/**
 * Copies `source` onto the draft `doc` at `now`. Fails (listing the stages) when the draft
 * no longer has a stage the record is in.
 *
 * @example
 * const c = cloneOntoDraft(draft, page.record, Date.now(), chinaCalendar);
 * if (c.ok) simulateFrom(c.record); else offerFreshStart(c.missing, c.fields);
 */
export function cloneOntoDraft(
  doc: SopDocument,
  source: CloneSource,
  now: number,
  calendar: Calendar,
): CloneResult {
  const sop = compile(doc);
  const { fields, dropped } = fieldsForDraft(doc, source.fields);
  const before = activeStages(source.value);
  const missing = before.filter((id) => !sop.stageById.has(id));
  let value: unknown = source.value;
  if (missing.length === 0) {
    try {
      value = sop.machine.resolveState({ value: source.value as never, context: {} }).value;
    } catch {
      missing.push(...before.filter((id) => !sop.stageById.get(id)?.final));
      if (!missing.length) missing.push(...before);
    }
  }
  if (missing.length) return { ok: false, missing, fields, droppedFields: dropped };

  const stages: RecordState['stages'] = {};
  const timers: TimerSpec[] = [];
  let pastRungs = 0;
  const open = source.status === 'open';
  for (const id of activeStages(value)) {
    const from = source.stages[id];
    const st: RecordState['stages'][string] = {
      enteredAt: from?.enteredAt ?? now,
      entry: from?.entry ?? source.version,
      fieldsAtEntry: fieldsForDraft(doc, from?.fieldsAtEntry ?? fields).fields,
    };
    const sla = sop.stageById.get(id)?.meta?.sla;
    const base = sla?.dueField ? toInstant(fields[sla.dueField], calendar) : st.enteredAt;
    if (sla && base !== null && open) {
      const clock = sla.clock ?? 'wall';
      const mk = (rung: number, kind: TimerSpec['kind'], after: string): TimerSpec => ({
        id: `${source.id}/${id}@${st.entry}/${rung < 0 ? 'due' : rung}`,
        stage: id,
        rung,
        kind,
        dueAt: addDuration(base, after, clock, calendar),
      });
      const deadline = mk(-1, 'deadline', sla.duration);
      st.dueAt = deadline.dueAt;
      const ladder = [deadline, ...(sla.escalations ?? []).map((e, i) => mk(i, e.kind, e.after))];
      for (const t of ladder) {
        if (t.dueAt > now) timers.push(t);
        else if (t.rung >= 0) pastRungs++;
      }
    }
    stages[id] = st;
  }
  const checklist: RecordState['checklist'] = {};
  for (const [id, done] of Object.entries(source.checklist)) {
    const items = new Set(sop.stageById.get(id)?.meta?.checklist?.map((c) => c.id) ?? []);
    const kept = done.filter((i) => items.has(i));
    if (kept.length) checklist[id] = kept;
  }
  const dues = Object.values(stages)
    .map((s) => s.dueAt)
    .filter((d): d is number => d !== undefined);
  return {
    ok: true,
    droppedFields: dropped,
    pastRungs,
    record: {
      id: source.id,
      sopId: doc.id,
      sopVersion: doc.version,
      status: source.status,
      value,
      fields,
      ownerId: source.ownerId,
      teamId: source.teamId,
      stages,
      checklist,
      timers,
      dueAt: open && dues.length ? Math.min(...dues) : null,
      lostReason: source.lostReason,
      version: source.version,
      createdAt: source.createdAt,
      updatedAt: source.updatedAt,
    },
  };
}
