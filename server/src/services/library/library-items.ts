/** What the library shows of an SOP document, and how it is searched. */
import { countPaths, type LocalizedText, type SopDocument } from '@closeloop/engine';
import type { LoadedSop } from '../sops/sop-cache.ts';

export type LibraryItem = {
  /** `template`: from sop-library, not yet in the workspace; `sop`: the workspace's published SOP. */
  kind: 'template' | 'sop';
  /** The template id, or the workspace SOP id. */
  id: string;
  version: number;
  name: LocalizedText;
  description: LocalizedText | null;
  tags: string[];
  stageCount: number;
  fieldCount: number;
  /** Paths from the start to a final stage, counted without listing them (capped). */
  pathCount: number;
  /** False when pathCount is a lower bound (the SOP has more paths than are counted). */
  pathCountExact: boolean;
  /** Stages with a time limit, and escalation rungs in all. */
  slaCount: number;
  escalationCount: number;
};

export function libraryItem(kind: LibraryItem['kind'], id: string, sop: LoadedSop): LibraryItem {
  const stages = sop.compiled.stages;
  const slas = stages.flatMap((s) => (s.meta?.sla ? [s.meta.sla] : []));
  const paths = countPaths(sop.doc);
  return {
    kind,
    id,
    version: sop.doc.version,
    name: sop.doc.name,
    description: sop.doc.description ?? null,
    tags: sop.doc.tags ?? [],
    stageCount: stages.filter((s) => s.children.length === 0).length,
    fieldCount: sop.doc.fields.length,
    pathCount: paths.count,
    pathCountExact: paths.exact,
    slaCount: slas.length,
    escalationCount: slas.reduce((n, s) => n + (s.escalations?.length ?? 0), 0),
  };
}

const searchCache = new WeakMap<SopDocument, string>();

/** Lower-cased text of the document a search matches: names, tags, stages, fields, actions. */
export function searchTextOf(sop: LoadedSop): string {
  const hit = searchCache.get(sop.doc);
  if (hit !== undefined) return hit;
  const parts: string[] = [sop.doc.id, ...(sop.doc.tags ?? [])];
  const add = (t: LocalizedText | undefined) => {
    if (t) parts.push(t['zh-CN'], t.en);
  };
  add(sop.doc.name);
  add(sop.doc.description);
  for (const f of sop.doc.fields) add(f.label);
  for (const s of sop.compiled.stages) {
    add(s.meta?.title);
    add(s.meta?.instructions);
    for (const c of s.meta?.checklist ?? []) add(c.label);
  }
  for (const t of sop.compiled.transitionByKey.values()) add(t.meta?.label);
  const text = parts.join('\n').toLowerCase();
  searchCache.set(sop.doc, text);
  return text;
}

/** Every word of the query (split on spaces) must appear; Chinese needs no spaces to match. */
export function matches(sop: LoadedSop, q: string | undefined, tag: string | undefined): boolean {
  if (tag && !(sop.doc.tags ?? []).includes(tag)) return false;
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const text = searchTextOf(sop);
  return words.every((w) => text.includes(w));
}
