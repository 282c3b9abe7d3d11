/**
 * Duplicate detection for quick capture (撞单): a new lead's phone, email or company is
 * compared, normalised, with every record in the workspace — including records the caller
 * may not see — and with every customer (find-duplicate-customers.ts). A visible match names
 * the record or customer; a hidden one only says who owns it.
 */
import { type FieldDef, type LocalizedText, normalizePhone, own } from '@closeloop/engine';
import { isRecordState } from '../commands/record-store.ts';
import { assertWorksRecords, canSeeRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import {
  type CustomerDuplicate,
  findDuplicateCustomers,
} from '../customers/find-duplicate-customers.ts';
import { toMs } from '../sops/sop-common.ts';

export type FindDuplicatesInput = {
  phone?: string;
  email?: string;
  company?: string;
  /** 统一社会信用代码 (compared with customers only). */
  uscc?: string;
  /** Leave this record out (checking an existing record against the rest). */
  excludeRecordId?: string;
};

export type DuplicateKey = 'phone' | 'email' | 'company';

export type DuplicateMatch = {
  matchedOn: DuplicateKey[];
  /** Whether the caller may open the record; when false only `ownerName` is told. */
  visible: boolean;
  ownerName: string | null;
  record?: {
    id: string;
    sopId: string;
    sopName: LocalizedText;
    status: string;
    stages: LocalizedText[];
    ownerId: string | null;
    name: string | null;
    company: string | null;
    createdAt: number | null;
  };
};

export type FindDuplicatesResult = {
  /** The normalised values the search used (null when a value was too short to compare). */
  normalized: { phone: string | null; email: string | null; company: string | null };
  matches: DuplicateMatch[];
  /** Customers sharing a key with the input (hard and soft matches), hidden ones by owner only. */
  customers: CustomerDuplicate[];
};

const MAX_MATCHES = 10;
const CANDIDATES = 50;

/** Digits of a Chinese phone without +86/0086, separators or extension; null when too short. */
export function phoneKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = normalizePhone(raw)
    .replace(/(#|转|ext\.?|x)\s*\d{1,6}$/i, '')
    .replace(/\D/g, '');
  return s.length >= 7 ? s : null;
}

export function emailKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? s : null;
}

/** Legal-form suffixes that do not tell two companies apart, longest first. */
const COMPANY_SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '有限公司',
  '分公司',
  '集团',
  '公司',
  'corporation',
  'company',
  'limited',
  'colimited',
  'coltd',
  'ltd',
  'inc',
  'corp',
  'llc',
  'gmbh',
  'co',
];

/** Lower-cased, NFKC, without spaces, punctuation or a legal-form suffix; null when too short. */
export function companyKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of COMPANY_SUFFIXES) {
      if (s.length > suffix.length + 1 && s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  // a bare legal form ("公司", "Ltd") names no company
  if (COMPANY_SUFFIXES.includes(s)) return null;
  return [...s].length >= 2 ? s.slice(0, 100) : null;
}

/** Field keys that hold a company name when the SOP does not say otherwise. */
const isCompanyField = (f: FieldDef) =>
  f.type === 'text' &&
  (/company|organi[sz]ation|customerName|account/i.test(f.key) ||
    f.label['zh-CN'].includes('公司'));

/**
 * Finds records that share a normalised phone, email or company with the input.
 *
 * @example
 * const { matches } = await findDuplicates({ ctx, input: { phone: '+86 138-0013-8000' } });
 * // [{ matchedOn: ['phone'], visible: false, ownerName: '陈销售' }]
 */
export const findDuplicates: Verb<FindDuplicatesInput, FindDuplicatesResult> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const phone = phoneKey(input.phone);
  const email = emailKey(input.email);
  const company = companyKey(input.company);
  const normalized = { phone, email, company };
  if (
    !input.phone?.trim() &&
    !input.email?.trim() &&
    !input.company?.trim() &&
    !input.uscc?.trim()
  ) {
    throw new Invalid('invalid-input', 'give a phone, an email, a company or a credit code', {
      errors: [{ path: 'query', message: 'phone, email, company or uscc is required' }],
    });
  }
  const customers = await findDuplicateCustomers(ctx, input);
  if (!phone && !email && !company) return { normalized, matches: [], customers };

  // a cheap superset in SQL over every field value; the exact, type-aware check follows in JS
  const params: unknown[] = [ctx.user.workspaceId, input.excludeRecordId ?? ''];
  const ors: string[] = [];
  if (phone) {
    params.push(phone);
    ors.push(
      `regexp_replace(regexp_replace(regexp_replace(f.value, '[[:space:]()（）-]', '', 'g'), '^(\\+86|0086)', ''), '[^0-9].*$', '') = $${params.length}`,
    );
  }
  if (email) {
    params.push(email);
    ors.push(`lower(btrim(f.value)) = $${params.length}`);
  }
  if (company) {
    params.push(company);
    ors.push(
      `strpos(regexp_replace(lower(f.value), '[[:space:][:punct:]（）【】，。、·：；“”‘’！？]', '', 'g'), $${params.length}) > 0`,
    );
  }
  params.push(CANDIDATES);
  const rows = await ctx.db.query(
    `select r.id, r.state, r.owner_id, r.team_id, r.status, r.created_at, u.name as owner_name
       from records r
       left join users u on u.workspace_id = r.workspace_id and u.id = r.owner_id
      where r.workspace_id = $1 and r.id <> $2
        and exists (select 1 from jsonb_each_text(r.fields) f where ${ors.join(' or ')})
      order by (r.status = 'open') desc, r.created_at desc
      limit $${params.length}`,
    params,
  );

  const matches: DuplicateMatch[] = [];
  for (const row of rows) {
    const state = row.state;
    if (!isRecordState(state)) continue;
    const sop = await ctx.sops
      .get(ctx.user.workspaceId, state.sopId, state.sopVersion)
      .catch(() => null);
    const defs = sop?.doc.fields ?? [];
    const on = new Set<DuplicateKey>();
    for (const [key, value] of Object.entries(state.fields)) {
      if (typeof value !== 'string') continue;
      const def = defs.find((d) => d.key === key);
      const type = def?.type ?? (key === 'phone' ? 'phone' : key === 'email' ? 'email' : 'text');
      if (phone && (type === 'phone' || key === 'phone') && phoneKey(value) === phone)
        on.add('phone');
      if (email && (type === 'email' || key === 'email') && emailKey(value) === email)
        on.add('email');
      if (
        company &&
        (key === 'company' || (def ? isCompanyField(def) : false)) &&
        companyKey(value) === company
      )
        on.add('company');
    }
    if (on.size === 0) continue;
    const ref = {
      ownerId: typeof row.owner_id === 'string' ? row.owner_id : null,
      teamId: typeof row.team_id === 'string' ? row.team_id : null,
    };
    const visible = canSeeRecord(ctx.user, ref);
    const ownerName = typeof row.owner_name === 'string' ? row.owner_name : null;
    const order: DuplicateKey[] = ['phone', 'email', 'company'];
    const match: DuplicateMatch = {
      matchedOn: order.filter((k) => on.has(k)),
      visible,
      ownerName,
    };
    if (visible && sop) {
      const str = (k: string) => {
        const v = own(state.fields, k);
        return typeof v === 'string' && v.trim() ? v : null;
      };
      const nameKey = defs.find(
        (d) => d.type === 'text' && /name/i.test(d.key) && !isCompanyField(d),
      );
      const companyDef = defs.find((d) => d.key === 'company') ?? defs.find(isCompanyField);
      const leaves = leafStages(state.value);
      match.record = {
        id: state.id,
        sopId: state.sopId,
        sopName: sop.doc.name,
        status: state.status,
        stages: leaves.map(
          (id) => sop.compiled.stageById.get(id)?.meta?.title ?? { 'zh-CN': id, en: id },
        ),
        ownerId: ref.ownerId,
        name: nameKey ? str(nameKey.key) : null,
        company: companyDef ? str(companyDef.key) : null,
        createdAt: toMs(row.created_at),
      };
    }
    matches.push(match);
    if (matches.length >= MAX_MATCHES) break;
  }
  // records the caller can open first: they can act on those
  matches.sort((a, b) => Number(b.visible) - Number(a.visible));
  return { normalized, matches, customers };
};

function leafStages(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => leafStages(v, `${prefix}${k}.`));
}
