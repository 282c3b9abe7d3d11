/**
 * The demo seed's routes through an SOP: for each leaf stage, a shortest list of actions that
 * reaches it from the start (breadth-first over open actions on the pure engine), each step
 * remembering which fields its action asks for and what its gate requires of them, so every
 * seeded record fills a field only when its path reaches the action that asks for it.
 */
import {
  type CompiledSop,
  chinaCalendar,
  compile,
  type Fields,
  openActions,
  parseDuration,
  type RecordState,
  type Roster,
  type SopDocument,
  step,
} from '@closeloop/engine';
import { DEMO_CUSTOMERS, type DemoCustomer } from './seed-customers.ts';
import { demoValue, gateWants, type ValueContext } from './seed-values.ts';
import { leafStageIds } from './services/commands/record-store.ts';

export type PathStep = {
  action: string;
  /** The fields the action asks for (each record fills them with its own values). */
  asks: string[];
  /** What the action's gate requires of some of them. */
  wants: Map<string, unknown>;
  checklist: Record<string, string[]>;
  override: boolean;
  /** How long the record may stay where it is before this step (its shortest SLA there). */
  slaMs: number | null;
};

/** Fields a lead arrives with whatever its SOP: who the customer is and how to reach them. */
const IDENTITY = /^(company|contactName|name|region|wechat|industry|jobTitle|exhibition)$/;
/** Fields that close a record badly: never filled when it is created. */
const OUTCOME = /disqualify|lost|churn|cancel/i;

/** The fields a new record of this SOP is created with: identity ones and its first stage's. */
export function creationKeys(sop: CompiledSop, firstStages: readonly string[]): string[] {
  const shown = new Set(firstStages.flatMap((s) => sop.stageById.get(s)?.meta?.fields ?? []));
  return sop.doc.fields
    .filter((f) => !OUTCOME.test(f.key))
    .filter(
      (f) => IDENTITY.test(f.key) || f.type === 'phone' || f.type === 'email' || shown.has(f.key),
    )
    .map((f) => f.key);
}

/** Values for `keys` (a field already holding a value keeps it unless it is a note or wanted). */
export function fill(
  sop: CompiledSop,
  keys: readonly string[],
  wants: ReadonlyMap<string, unknown>,
  current: Fields,
  c: ValueContext,
): Fields {
  const out: Fields = {};
  for (const key of keys) {
    const def = sop.fieldDefs.get(key);
    if (!def) continue;
    const want = wants.get(key);
    const has = current[key] !== undefined && current[key] !== null && current[key] !== '';
    if (has && want === undefined && def.type !== 'longText') continue;
    const v = demoValue(def, c, want);
    if (v !== null) out[key] = v;
  }
  return out;
}

/** A value context for the probe record the paths are searched on. */
export function probeContext(
  now: number,
  customer: DemoCustomer = DEMO_CUSTOMERS[0] as DemoCustomer,
): ValueContext {
  return { customer, n: 0, step: 0, at: now, userId: 'probe-a', otherUserId: 'probe-b' };
}

/** The first stages a new record enters, and the keys it is created with. */
export async function firstStep(
  doc: SopDocument,
  roster: Roster,
  now: number,
): Promise<{ sop: CompiledSop; keys: string[] }> {
  const sop = compile(doc);
  const ctx = {
    now,
    actor: { id: 'seed', role: 'admin' as const },
    newId: () => crypto.randomUUID(),
    roster,
    calendar: chinaCalendar,
  };
  const bare = await step(sop, null, { type: 'create', recordId: 'probe', fields: {} }, ctx);
  return { sop, keys: creationKeys(sop, bare.ok ? Object.keys(bare.record.stages) : []) };
}

/** For each leaf stage, a shortest list of actions that reaches it from the start. */
export async function pathsToStages(
  doc: SopDocument,
  roster: Roster,
  now: number,
): Promise<Map<string, PathStep[]>> {
  const { sop, keys } = await firstStep(doc, roster, now);
  let n = 0;
  const ctx = {
    now,
    actor: { id: 'seed', role: 'admin' as const },
    newId: () => `seed-${n++}`,
    roster,
    calendar: chinaCalendar,
  };
  const fields = fill(sop, keys, new Map(), {}, probeContext(now));
  const first = await step(sop, null, { type: 'create', recordId: 'probe', fields }, ctx);
  if (!first.ok) return new Map();
  const found = new Map<string, PathStep[]>();
  const seen = new Set<string>();
  const queue: Array<{ rec: RecordState; path: PathStep[] }> = [{ rec: first.record, path: [] }];
  while (queue.length && seen.size < 300) {
    const item = queue.shift();
    if (!item) break;
    const key = JSON.stringify(item.rec.value);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const leaf of leafStageIds(item.rec.value))
      if (!found.has(leaf)) found.set(leaf, item.path);
    if (item.rec.status !== 'open') continue;
    for (const a of await openActions(sop, item.rec, ctx)) {
      if (!a.allowed) continue;
      const t = sop.transitionsBySource.get(a.from)?.find((x) => x.event === a.action);
      const wants = gateWants(t?.meta?.gate);
      const asks = [...new Set([...(t?.meta?.fields ?? []), ...wants.keys()])].filter((k) =>
        sop.fieldDefs.has(k),
      );
      const c = { ...probeContext(now), step: item.path.length + 1 };
      const stepFields = fill(sop, asks, wants, item.rec.fields, c);
      const checklist: Record<string, string[]> = {};
      for (const stage of Object.keys(item.rec.stages)) {
        const items = sop.stageById.get(stage)?.meta?.checklist?.map((x) => x.id);
        if (items?.length) checklist[stage] = items;
      }
      const tryStep = async (override: boolean) =>
        step(
          sop,
          item.rec,
          override
            ? { type: 'override', action: a.action, reason: 'demo seed', fields: stepFields }
            : { type: 'perform', action: a.action, fields: stepFields, checklist },
          ctx,
        );
      let r = await tryStep(false);
      let override = false;
      if (!r.ok && r.rejection.code === 'gate-failed') {
        r = await tryStep(true);
        override = true;
      }
      if (!r.ok) continue;
      const slaMs = shortestSla(sop, item.rec);
      queue.push({
        rec: r.record,
        path: [...item.path, { action: a.action, asks, wants, checklist, override, slaMs }],
      });
    }
  }
  return found;
}

const HOUR_MS = 3_600_000;

/**
 * The shortest SLA among the record's active stages in milliseconds (a working day counted
 * as 8 hours, so a wall-clock gap below it never passes a working-time deadline), or null.
 */
function shortestSla(sop: CompiledSop, rec: RecordState): number | null {
  let least: number | null = null;
  for (const id of Object.keys(rec.stages)) {
    const sla = sop.stageById.get(id)?.meta?.sla;
    const d = sla ? parseDuration(sla.duration) : null;
    if (!sla || !d) continue;
    const day = sla.clock === 'working' ? 8 * HOUR_MS : 24 * HOUR_MS;
    const week = (sla.clock === 'working' ? 5 : 7) * day;
    const ms =
      d.weeks * week + d.days * day + d.hours * HOUR_MS + d.minutes * 60_000 + d.seconds * 1000;
    if (ms > 0) least = least === null ? ms : Math.min(least, ms);
  }
  return least;
}
