/**
 * The SOP library: ready-made follow-up SOPs as data, in zh-CN and en.
 *
 * Templates are imported statically so bundlers (Vite for the editor, Bun for the server)
 * include them; each is parsed once at load and a broken file fails loudly, naming itself.
 */
import { parseSop, type SopDocument } from '@closeloop/engine';
import afterSalesHandoff from './templates/after-sales-handoff.json' with { type: 'json' };
import b2bManufacturing from './templates/b2b-manufacturing.json' with { type: 'json' };
import closedLoop from './templates/closed-loop.json' with { type: 'json' };
import departureHandover from './templates/departure-handover.json' with { type: 'json' };
import inboundWebLead from './templates/inbound-web-lead.json' with { type: 'json' };
import repeatPurchase from './templates/repeat-purchase.json' with { type: 'json' };
import tradeShowLeads from './templates/trade-show-leads.json' with { type: 'json' };

export type LibraryTemplate = {
  /** The document's id; also the file's base name. */
  id: string;
  /** The parsed document, version 0 (publishing a copy gives it a version). */
  doc: SopDocument;
  /** Path of the source file inside sop-library/. */
  file: string;
};

/** In the order the library presents them: the full loop first, then the focused SOPs. */
const sources: ReadonlyArray<readonly [file: string, json: unknown]> = [
  ['templates/closed-loop.json', closedLoop],
  ['templates/inbound-web-lead.json', inboundWebLead],
  ['templates/trade-show-leads.json', tradeShowLeads],
  ['templates/b2b-manufacturing.json', b2bManufacturing],
  ['templates/after-sales-handoff.json', afterSalesHandoff],
  ['templates/repeat-purchase.json', repeatPurchase],
  ['templates/departure-handover.json', departureHandover],
];

function load(file: string, json: unknown): LibraryTemplate {
  const parsed = parseSop(json);
  if (!parsed.ok) {
    const why = parsed.problems.map((p) => `  ${p.path}: ${p.message.en}`).join('\n');
    throw new Error(`sop-library/${file} is not a valid SOP document:\n${why}`);
  }
  const expected = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (parsed.doc.id !== expected) {
    throw new Error(`sop-library/${file}: id "${parsed.doc.id}" must match the file name`);
  }
  return { id: parsed.doc.id, doc: parsed.doc, file };
}

/**
 * Every library template, parsed.
 *
 * @example
 * import { templates } from '@closeloop/sop-library';
 * for (const t of templates) console.log(t.id, t.doc.name['zh-CN']);
 */
export const templates: LibraryTemplate[] = sources.map(([file, json]) => load(file, json));

/** The template with this id, if the library has one. */
export function getTemplate(id: string): LibraryTemplate | undefined {
  return templates.find((t) => t.id === id);
}
