/**
 * What changed between two SOP documents, in the terms a manager reviews before
 * publishing: stages, actions, gates, SLAs and fields added, removed or changed.
 */
import type { LocalizedText, SopDocument, StateConfig, TransitionConfig } from '@closeloop/engine';

export type DiffKind = 'sop' | 'stage' | 'action' | 'gate' | 'sla' | 'field';
export type DiffChange = 'added' | 'removed' | 'changed';
export type DiffEntry = {
  kind: DiffKind;
  change: DiffChange;
  /** Stage path, `stage › ACTION`, or field key. */
  id: string;
  label?: LocalizedText;
  /** For an action or gate: the title of the stage it leaves. */
  from?: LocalizedText;
  /** For an SLA: its duration before and after (ISO 8601). */
  durations?: { before?: string; after?: string };
};

type Flat = {
  states: Map<string, StateConfig>;
  actions: Map<string, { source: string; event: string; t: TransitionConfig }>;
};

function flatten(doc: SopDocument): Flat {
  const states = new Map<string, StateConfig>();
  const actions: Flat['actions'] = new Map();
  const walk = (all: Record<string, StateConfig>, prefix: string) => {
    for (const [key, s] of Object.entries(all)) {
      const id = prefix ? `${prefix}.${key}` : key;
      states.set(id, s);
      for (const [event, raw] of Object.entries(s.on ?? {})) {
        const list = Array.isArray(raw) ? raw : [raw];
        list.forEach((t, i) => {
          const tc: TransitionConfig = typeof t === 'string' ? { target: t } : t;
          actions.set(`${id} › ${event}${list.length > 1 ? `[${i}]` : ''}`, {
            source: id,
            event,
            t: tc,
          });
        });
      }
      if (s.states) walk(s.states, id);
    }
  };
  walk(doc.machine.states, '');
  return { states, actions };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Lists the differences from `before` (the published version) to `after` (the draft). */
export function diffSops(before: SopDocument | null, after: SopDocument): DiffEntry[] {
  const out: DiffEntry[] = [];
  const a = flatten(after);
  // a first version: every stage, action, gate, SLA and field is new
  const first = before === null;
  const base: SopDocument = before ?? {
    ...after,
    fields: [],
    machine: { ...after.machine, states: {} },
  };
  const b = flatten(base);
  if (!first && (!same(base.name, after.name) || !same(base.description, after.description))) {
    out.push({ kind: 'sop', change: 'changed', id: after.id, label: after.name });
  }
  for (const [id, s] of a.states) {
    const old = b.states.get(id);
    const label = s.meta?.stage?.title;
    const l = label ? { label } : {};
    if (!old) {
      out.push({ kind: 'stage', change: 'added', id, ...l });
      const sla = s.meta?.stage?.sla;
      if (sla)
        out.push({ kind: 'sla', change: 'added', id, ...l, durations: { after: sla.duration } });
      continue;
    }
    const { sla: slaNew, ...restNew } = s.meta?.stage ?? { title: { 'zh-CN': '', en: '' } };
    const { sla: slaOld, ...restOld } = old.meta?.stage ?? { title: { 'zh-CN': '', en: '' } };
    if (
      !same(restNew, restOld) ||
      (s.type ?? 'atomic') !== (old.type ?? 'atomic') ||
      s.initial !== old.initial
    ) {
      out.push({ kind: 'stage', change: 'changed', id, ...l });
    }
    if (!same(slaNew, slaOld)) {
      out.push({
        kind: 'sla',
        change: slaOld ? (slaNew ? 'changed' : 'removed') : 'added',
        id,
        ...l,
        durations: {
          ...(slaOld ? { before: slaOld.duration } : {}),
          ...(slaNew ? { after: slaNew.duration } : {}),
        },
      });
    }
  }
  for (const [id, s] of b.states) {
    if (!a.states.has(id))
      out.push({
        kind: 'stage',
        change: 'removed',
        id,
        ...(s.meta?.stage ? { label: s.meta.stage.title } : {}),
      });
  }
  const titleOf = (states: Flat['states'], id: string) => {
    const t = states.get(id)?.meta?.stage?.title;
    return t ? { from: t } : {};
  };
  for (const [id, x] of a.actions) {
    const old = b.actions.get(id);
    const label = x.t.meta?.label;
    const l = { ...(label ? { label } : {}), ...titleOf(a.states, x.source) };
    if (!old) {
      out.push({ kind: 'action', change: 'added', id, ...l });
      if (x.t.meta?.gate) out.push({ kind: 'gate', change: 'added', id, ...l });
      continue;
    }
    const { gate: gNew, ...mNew } = x.t.meta ?? {};
    const { gate: gOld, ...mOld } = old.t.meta ?? {};
    if (!same(x.t.target, old.t.target) || !same(mNew, mOld))
      out.push({ kind: 'action', change: 'changed', id, ...l });
    if (!same(gNew, gOld))
      out.push({ kind: 'gate', change: gOld ? (gNew ? 'changed' : 'removed') : 'added', id, ...l });
  }
  for (const [id, x] of b.actions) {
    if (!a.actions.has(id))
      out.push({
        kind: 'action',
        change: 'removed',
        id,
        ...(x.t.meta?.label ? { label: x.t.meta.label } : {}),
        ...titleOf(b.states, x.source),
      });
  }
  const fa = new Map(after.fields.map((f) => [f.key, f]));
  const fb = new Map(base.fields.map((f) => [f.key, f]));
  for (const [k, f] of fa) {
    const old = fb.get(k);
    if (!old) out.push({ kind: 'field', change: 'added', id: k, label: f.label });
    else if (!same(f, old)) out.push({ kind: 'field', change: 'changed', id: k, label: f.label });
  }
  for (const [k, f] of fb)
    if (!fa.has(k)) out.push({ kind: 'field', change: 'removed', id: k, label: f.label });
  return out;
}

/** Stage ids of a document, for migration stage maps. */
export function stageIds(doc: SopDocument): string[] {
  return [...flatten(doc).states.keys()];
}
