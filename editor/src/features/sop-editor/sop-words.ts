/**
 * An SOP's ids in the words its people use: a stage id as the stage's title, an action id as
 * the action's label, a JSON path into the document as "阶段「首次联系」 › 动作「已接通」 › 门槛".
 * The simulator, the problems list and the pickers speak through these, never in raw ids.
 */
import type { LocalizedText, SopDocument, StateConfig, TransitionConfig } from '@closeloop/engine';

export type Lang = 'zh-CN' | 'en';

export const langOf = (language: string): Lang => (language === 'en' ? 'en' : 'zh-CN');

function text(v: LocalizedText | undefined, lang: Lang): string {
  return (v?.[lang] || v?.[lang === 'en' ? 'zh-CN' : 'en'] || '').trim();
}

/** The state node at a dotted id (`followUp.call`), or undefined. */
export function stateAt(doc: SopDocument, id: string): StateConfig | undefined {
  let states: Record<string, StateConfig> | undefined = doc.machine.states;
  let node: StateConfig | undefined;
  for (const part of id.split('.')) {
    node = states?.[part];
    if (!node) return undefined;
    states = node.states;
  }
  return node;
}

/**
 * A stage's title in `lang`; a nested stage's title alone (its parents are shown by the
 * canvas). The id only when the stage has no title, or no longer exists.
 *
 * @example stageName(doc, 'newLead', 'zh-CN') // '新线索·15 分钟首呼'
 */
export function stageName(doc: SopDocument, id: string, lang: Lang): string {
  const title = text(stateAt(doc, id)?.meta?.stage?.title, lang);
  return title || id.split('.').pop() || id;
}

function transitionsOf(v: TransitionConfig | TransitionConfig[] | string): TransitionConfig[] {
  if (typeof v === 'string') return [{ target: v }];
  return Array.isArray(v) ? v : [v];
}

/** Every action's label by its id (the first labelled transition that takes it). */
export function actionLabels(doc: SopDocument): Map<string, LocalizedText> {
  const out = new Map<string, LocalizedText>();
  const walk = (node: StateConfig) => {
    for (const [event, v] of Object.entries(node.on ?? {})) {
      if (out.has(event)) continue;
      const label = transitionsOf(v).find((t) => t.meta?.label)?.meta?.label;
      if (label) out.set(event, label);
    }
    for (const child of Object.values(node.states ?? {})) walk(child);
  };
  walk(doc.machine as StateConfig);
  return out;
}

/** An action's label in `lang`; its id only when it has none. */
export function actionName(doc: SopDocument, action: string, lang: Lang): string {
  return text(actionLabels(doc).get(action), lang) || action;
}

export type PathWords = {
  stage: (name: string) => string;
  action: (name: string) => string;
  field: (name: string) => string;
  part: Record<PathPart, string>;
};

/** The parts of a stage or an action a problem can sit in, each with its words. */
export type PathPart = 'gate' | 'sla' | 'owner' | 'checklist' | 'fields' | 'handoff' | 'sop';

const PART_OF: Record<string, PathPart> = {
  gate: 'gate',
  sla: 'sla',
  escalations: 'sla',
  owner: 'owner',
  checklist: 'checklist',
  fields: 'fields',
  handoff: 'handoff',
  handoffs: 'handoff',
};

/**
 * Where a problem sits, in the user's words: a path such as
 * `machine.states.contacted.on.QUALIFY[0].meta.gate.all[1]` reads
 * 阶段「已联系」 › 动作「确认需求」 › 门槛. Null when the path names nothing a person would know
 * (the document's root).
 */
export function describePath(doc: SopDocument, path: string, words: PathWords, lang: Lang) {
  const tokens = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  const out: string[] = [];
  if (tokens[0] === 'fields') {
    const index = Number(tokens[1]);
    const def = Number.isInteger(index) ? doc.fields[index] : undefined;
    if (def) out.push(words.field(text(def.label, lang) || def.key));
    return out.length ? out.join(' › ') : null;
  }
  if (tokens[0] !== 'machine') return null;
  const stageParts: string[] = [];
  let i = 1;
  while (tokens[i] === 'states' && tokens[i + 1]) {
    stageParts.push(tokens[i + 1] ?? '');
    i += 2;
  }
  if (stageParts.length) out.push(words.stage(stageName(doc, stageParts.join('.'), lang)));
  if (tokens[i] === 'on' && tokens[i + 1]) {
    out.push(words.action(actionName(doc, tokens[i + 1] ?? '', lang)));
    i += 2;
  }
  const part = tokens.slice(i).find((x) => x in PART_OF);
  if (part) out.push(words.part[PART_OF[part] ?? 'sop']);
  return out.length ? out.join(' › ') : null;
}
