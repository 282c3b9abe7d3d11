/**
 * What a record's fields say about its customer: company or person name, phones, e-mails,
 * 统一社会信用代码 and the contact, read by field type first and by well-known keys second.
 */
import type { FieldDef, Fields } from '@closeloop/engine';
import { type CustomerFacts, companyKey, pinyinKey } from '@closeloop/engine/customers';

export type LeadFacts = CustomerFacts & {
  contact: { name: string | null; phone: string | null; email: string | null };
  source: string | null;
  region: string | null;
  industry: string | null;
  /** The key trigram matching compares (companyKey, or the lower-cased person name). */
  nameKey: string;
};

const COMPANY_KEY = /^(company|companyName|customerName|organi[sz]ation|account)$/i;
const PERSON_KEY = /^(contactName|name|customer|person|fullName)$/i;
const USCC_KEY = /^(uscc|creditCode|socialCreditCode|taxId)$/i;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The customer a record's fields describe (no key is invented: empty fields give a nameless person). */
export function leadFacts(defs: readonly FieldDef[], fields: Fields): LeadFacts {
  const typeOf = (key: string) => defs.find((d) => d.key === key)?.type;
  const label = (key: string) => defs.find((d) => d.key === key)?.label['zh-CN'] ?? '';
  let company: string | null = null;
  let person: string | null = null;
  let uscc: string | null = null;
  const phones: string[] = [];
  const emails: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const v = str(value);
    if (!v) continue;
    const type = typeOf(key);
    if (type === 'phone' || (!type && /^(phone|mobile|tel)$/i.test(key))) phones.push(v);
    else if (type === 'email' || (!type && /^email$/i.test(key))) emails.push(v);
    else if (USCC_KEY.test(key) || label(key).includes('信用代码')) uscc ??= v;
    else if (COMPANY_KEY.test(key) || (type === 'text' && label(key).includes('公司')))
      company ??= v;
    else if (PERSON_KEY.test(key)) person ??= v;
  }
  const pick = (k: string) => str(fields[k]);
  const kind = company ? 'company' : 'person';
  const name = company ?? person ?? phones[0] ?? emails[0] ?? '';
  return {
    kind,
    name,
    phones,
    emails,
    uscc,
    contact: { name: person, phone: phones[0] ?? null, email: emails[0] ?? null },
    source: pick('source') ?? pick('channel'),
    region: pick('region') ?? pick('city') ?? pick('province'),
    industry: pick('industry'),
    nameKey: nameKeyOf(kind, name),
  };
}

/** The value trigram similarity compares for a customer's name. */
export function nameKeyOf(kind: 'company' | 'person', name: string): string {
  if (kind === 'company') return companyKey(name) ?? '';
  return pinyinKey(name) ? name.normalize('NFKC').trim().toLowerCase().slice(0, 100) : '';
}
