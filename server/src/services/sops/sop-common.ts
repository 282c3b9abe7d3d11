import { parseSop, type SopDocument } from '@closeloop/engine';
import { SopInvalid } from '../core/errors.ts';

/** JSON with object keys sorted, so equal documents hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function docHash(doc: SopDocument): string {
  return new Bun.CryptoHasher('sha256').update(canonicalJson(doc)).digest('hex');
}

/** Parses a document from a request or the database; throws SopInvalid with every problem. */
export function requireDoc(input: unknown): SopDocument {
  const r = parseSop(input);
  if (!r.ok) throw new SopInvalid(r.problems);
  return r.doc;
}

export const toMs = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const t = (v instanceof Date ? v : new Date(String(v))).getTime();
  return Number.isFinite(t) ? t : null;
};
