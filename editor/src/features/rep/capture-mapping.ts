/**
 * Quick capture asks the same few things whatever the SOP (name, phone, email, company,
 * source, note); this maps them onto the SOP's own field keys. Fields marked `capture`
 * win, then well-known keys, then the first field of the right type.
 */
import type { FieldDef, Fields, SopVersionDoc } from './api.ts';
import { stateNodeOf } from './state-node.ts';

export type CaptureSlot = 'name' | 'phone' | 'email' | 'company' | 'source' | 'note';

export type CaptureMapping = Partial<Record<CaptureSlot, FieldDef>>;

const COMPANY = /company|organi[sz]ation|customerName|account/i;

function initialStageFields(doc: Pick<SopVersionDoc, 'machine'>): string[] {
  const { machine } = doc;
  const first = machine.initial ? machine.states[machine.initial] : undefined;
  const out: string[] = [];
  const visit = (node: unknown) => {
    const n = stateNodeOf(node);
    if (!n) return;
    const stage = n.meta?.stage;
    const f = stage && typeof stage === 'object' && 'fields' in stage ? stage.fields : undefined;
    if (Array.isArray(f)) for (const k of f) if (typeof k === 'string') out.push(k);
    if (n.initial && n.states) visit(n.states[n.initial]);
  };
  visit(first);
  return out;
}

/** Which SOP field each quick-capture slot fills (absent when the SOP has no such field). */
export function captureMapping(doc: Pick<SopVersionDoc, 'fields' | 'machine'>): CaptureMapping {
  const fields = doc.fields;
  const inFirst = new Set(initialStageFields(doc));
  const pick = (...tests: Array<(f: FieldDef) => boolean>) => {
    for (const test of tests) {
      const captured = fields.find((f) => f.capture && test(f));
      if (captured) return captured;
      const any = fields.find(test);
      if (any) return any;
    }
    return undefined;
  };
  const m: CaptureMapping = {};
  const company = pick(
    (f) => f.type === 'text' && f.key === 'company',
    (f) => f.type === 'text' && (COMPANY.test(f.key) || f.label['zh-CN'].includes('公司')),
  );
  const name = pick(
    (f) => f.type === 'text' && /^(contactName|name|contact|customer)$/i.test(f.key),
    (f) => f.type === 'text' && /name/i.test(f.key) && f !== company,
  );
  const phone = pick((f) => f.type === 'phone');
  const email = pick((f) => f.type === 'email');
  const source = pick(
    (f) => (f.type === 'select' || f.type === 'text') && /source|channel/i.test(f.key),
    (f) => (f.type === 'select' || f.type === 'text') && f.label['zh-CN'].includes('来源'),
  );
  const note = pick(
    (f) =>
      f.type === 'longText' &&
      inFirst.has(f.key) &&
      /note|message|requirement|remark|memo/i.test(f.key),
    (f) => f.type === 'longText' && inFirst.has(f.key),
    (f) => f.type === 'longText' && /note|remark|memo/i.test(f.key),
  );
  if (name && name !== company) m.name = name;
  if (phone) m.phone = phone;
  if (email) m.email = email;
  if (company) m.company = company;
  if (source) m.source = source;
  if (note) m.note = note;
  return m;
}

export type CaptureValues = Partial<Record<CaptureSlot, string>>;

/**
 * The record's first fields from the form. A source the SOP cannot hold in a field of its
 * own (free text against a select, or no source field) is added to the note.
 */
export function captureFields(
  mapping: CaptureMapping,
  values: CaptureValues,
  sourceLabel: string,
): Fields {
  const out: Fields = {};
  const put = (slot: CaptureSlot) => {
    const def = mapping[slot];
    const v = values[slot]?.trim();
    if (def && v) out[def.key] = v;
  };
  put('name');
  put('phone');
  put('email');
  put('company');
  const source = values.source?.trim();
  const sourceDef = mapping.source;
  let extra = '';
  if (source) {
    const option = sourceDef?.options?.some((o) => o.value === source);
    if (sourceDef && (sourceDef.type === 'text' || option)) out[sourceDef.key] = source;
    else extra = `${sourceLabel}: ${source}`;
  }
  const note = [values.note?.trim(), extra].filter(Boolean).join('\n');
  if (note && mapping.note) out[mapping.note.key] = note;
  return out;
}
