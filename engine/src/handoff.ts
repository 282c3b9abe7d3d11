/**
 * Cross-SOP handoff: an action that starts a record of another published SOP for the same
 * customer. Here: resolving a mapping against the acting record's fields, the field-type
 * compatibility table, and the checks `validate` runs when it is given the targets.
 */
import { transitionList } from './compile.ts';
import { checkFields } from './fields.ts';
import { own } from './own.ts';
import type {
  FieldDef,
  FieldType,
  Handoff,
  LocalizedText,
  Problem,
  SopDocument,
  StateConfig,
} from './sop.ts';
import type { Fields } from './types.ts';

/**
 * The published document of a target SOP, or null/undefined when it has none. The engine is
 * pure: the server (or the editor) looks the targets up and passes them in.
 */
export type HandoffTargets = (sopId: string) => SopDocument | null | undefined;

const TEXTUAL = new Set<FieldType>(['text', 'longText', 'phone', 'email', 'url', 'select']);

/**
 * Whether a value of field `from` may fill field `to`. Same type (a select's options must all
 * exist in the target), any string-valued field into text, number ↔ money, date into datetime
 * is refused (the stored forms differ).
 */
export function canMapField(from: FieldDef, to: FieldDef): boolean {
  if (from.type === to.type) {
    if (from.type !== 'select' && from.type !== 'multiSelect') return true;
    const allowed = new Set((to.options ?? []).map((o) => o.value));
    return (from.options ?? []).every((o) => allowed.has(o.value));
  }
  if (to.type === 'text' || to.type === 'longText') return TEXTUAL.has(from.type);
  const numeric = new Set<FieldType>(['number', 'money']);
  return numeric.has(from.type) && numeric.has(to.type);
}

/**
 * The target's fields from the mapping: a source key copies the acting record's value (empty
 * values are left out), a `{ value }` is copied as is.
 *
 * @example
 * handoffFields({ sopId: 'after-sales', fields: { customer: 'company', tier: { value: 'gold' } } }, { company: '星河科技' })
 * // { customer: '星河科技', tier: 'gold' }
 */
export function handoffFields(h: Handoff, source: Fields): Fields {
  const out: Fields = {};
  for (const [target, from] of Object.entries(h.fields ?? {})) {
    const v = typeof from === 'string' ? own(source, from) : from.value;
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[target] = v;
  }
  return out;
}

const label = (t: LocalizedText | undefined, fallback: string): LocalizedText =>
  t ?? { 'zh-CN': fallback, en: fallback };

type Found = { handoff: Handoff; path: string; stage: string; action: LocalizedText };

/** Every action with a handoff, with its JSON path, stage id and label. */
export function findHandoffs(doc: SopDocument): Found[] {
  const out: Found[] = [];
  const walk = (cfg: StateConfig, path: string, id: string) => {
    for (const [event, list] of transitionList(cfg.on)) {
      list.forEach((t, i) => {
        const h = t.meta?.handoff;
        if (h)
          out.push({
            handoff: h,
            path: `${path}.on.${event}[${i}].meta.handoff`,
            stage: id,
            action: label(t.meta?.label, event),
          });
      });
    }
    for (const [k, child] of Object.entries(cfg.states ?? {}))
      walk(child, `${path}.states.${k}`, id ? `${id}.${k}` : k);
  };
  walk(doc.machine as StateConfig, 'machine', '');
  return out;
}

/**
 * Problems of every handoff in `doc`. Without `targets` only what the document itself shows
 * is checked (the mapping's source fields, a handoff to itself); with them, the target must
 * be published and each mapped field must exist there with a compatible type.
 */
export function checkHandoffs(doc: SopDocument, targets?: HandoffTargets): Problem[] {
  const problems: Problem[] = [];
  const sourceDefs = new Map(doc.fields.map((f) => [f.key, f]));
  for (const f of findHandoffs(doc)) {
    const a = f.action;
    const add = (path: string, code: string, message: LocalizedText) =>
      problems.push({ path, code: `handoff.${code}`, message, stage: f.stage });
    if (f.handoff.sopId === doc.id) {
      add(`${f.path}.sopId`, 'same-sop', {
        'zh-CN': `操作「${a['zh-CN']}」不能转交给本 SOP 自己`,
        en: `action “${a.en}” cannot hand off to its own SOP`,
      });
      continue;
    }
    const target = targets?.(f.handoff.sopId);
    if (targets && !target) {
      add(`${f.path}.sopId`, 'target-unpublished', {
        'zh-CN': `操作「${a['zh-CN']}」转交的 SOP「${f.handoff.sopId}」不存在或尚未发布`,
        en: `action “${a.en}” hands off to SOP "${f.handoff.sopId}", which does not exist or is not published`,
      });
    }
    const targetDefs = target ? new Map(target.fields.map((d) => [d.key, d])) : null;
    for (const [to, from] of Object.entries(f.handoff.fields ?? {})) {
      const fp = `${f.path}.fields.${to}`;
      const src = typeof from === 'string' ? sourceDefs.get(from) : undefined;
      if (typeof from === 'string' && !src) {
        add(fp, 'unknown-source-field', {
          'zh-CN': `操作「${a['zh-CN']}」的转交映射引用了不存在的字段「${from}」`,
          en: `action “${a.en}” maps from unknown field "${from}"`,
        });
        continue;
      }
      if (!targetDefs) continue;
      const dst = targetDefs.get(to);
      const tName = target?.name ?? label(undefined, f.handoff.sopId);
      if (!dst) {
        add(fp, 'unknown-target-field', {
          'zh-CN': `操作「${a['zh-CN']}」映射到「${tName['zh-CN']}」中不存在的字段「${to}」`,
          en: `action “${a.en}” maps to field "${to}", which “${tName.en}” does not have`,
        });
        continue;
      }
      if (src && !canMapField(src, dst)) {
        add(fp, 'type-mismatch', {
          'zh-CN': `操作「${a['zh-CN']}」：字段「${src.label['zh-CN']}」（${src.type}）不能填入「${dst.label['zh-CN']}」（${dst.type}${dst.options ? '，选项不符' : ''}）`,
          en: `action “${a.en}”: field “${src.label.en}” (${src.type}) cannot fill “${dst.label.en}” (${dst.type}${dst.options ? ', options differ' : ''})`,
        });
      } else if (typeof from !== 'string') {
        const r = checkFields(targetDefs, { [to]: from.value });
        if (!r.ok)
          add(fp, 'bad-literal', {
            'zh-CN': `操作「${a['zh-CN']}」给「${dst.label['zh-CN']}」的固定值不正确：${r.problems[0]?.message['zh-CN'] ?? ''}`,
            en: `action “${a.en}” gives “${dst.label.en}” an invalid fixed value: ${r.problems[0]?.message.en ?? ''}`,
          });
      }
    }
  }
  return problems;
}

/**
 * `docs` ordered so every handoff target comes before the SOPs that hand off to it (publishing
 * checks that targets are published). Documents caught in a cycle keep their input order.
 */
export function publishOrder<T extends SopDocument>(docs: readonly T[]): T[] {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: T) => {
    if (state.has(d.id)) return;
    state.set(d.id, 'visiting');
    for (const h of findHandoffs(d)) {
      const target = byId.get(h.handoff.sopId);
      if (target) visit(target);
    }
    state.set(d.id, 'done');
    out.push(d);
  };
  for (const d of docs) visit(d);
  return out;
}

/**
 * A copy of `doc` with every action's handoff removed: an SOP taken out of its chain (a
 * template published on its own, a test that needs one SOP only).
 */
export function withoutHandoffs<T>(doc: T): T {
  const copy = structuredClone(doc);
  const walk = (cfg: StateConfig | undefined) => {
    if (!cfg) return;
    for (const [, list] of transitionList(cfg.on))
      for (const t of list) if (t.meta?.handoff) delete t.meta.handoff;
    for (const child of Object.values(cfg.states ?? {})) walk(child);
  };
  walk((copy as { machine?: StateConfig }).machine);
  return copy;
}
