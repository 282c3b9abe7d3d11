/**
 * Column-mapping suggestions: a header is matched to the target SOP's fields by the field's
 * key and labels, then by Chinese and English synonyms of the common lead concepts.
 */
import type { FieldDef } from '@closeloop/engine';

/** What a column can feed besides a field: the owner, the lead's source, its id there. */
export const SPECIAL_TARGETS = ['$owner', '$source', '$externalId'] as const;
export type SpecialTarget = (typeof SPECIAL_TARGETS)[number];

/** column index → field key or special target; a column left out is not imported. */
export type ColumnMapping = Record<string, string>;

type Concept = {
  /** Field keys (lower-case) and types that hold this concept in an SOP. */
  keys: string[];
  types?: FieldDef['type'][];
  /** Header words, compared without case, spaces or punctuation. */
  words: string[];
  special?: SpecialTarget;
};

const CONCEPTS: Concept[] = [
  {
    keys: ['company', 'companyname', 'customer', 'customername', 'account', 'organization'],
    words: [
      '客户名称',
      '公司名称',
      '公司',
      '企业名称',
      '单位名称',
      '客户',
      '单位',
      'company',
      'companyname',
      'customer',
      'account',
      'organization',
      'organisation',
    ],
  },
  {
    keys: ['contact', 'contactname', 'name', 'fullname', 'person'],
    words: [
      '联系人',
      '姓名',
      '客户姓名',
      '联系人姓名',
      '名字',
      'contact',
      'contactname',
      'name',
      'fullname',
    ],
  },
  {
    keys: ['phone', 'mobile', 'tel', 'telephone', 'cellphone'],
    types: ['phone'],
    words: [
      '手机',
      '手机号',
      '手机号码',
      '联系电话',
      '电话',
      '电话号码',
      '联系方式',
      'phone',
      'mobile',
      'tel',
      'telephone',
      'cellphone',
      'phonenumber',
      'mobilephone',
    ],
  },
  {
    keys: ['email', 'mail'],
    types: ['email'],
    words: ['邮箱', '电子邮箱', '电子邮件', '邮件', 'email', 'e-mail', 'mail', 'emailaddress'],
  },
  {
    keys: ['title', 'position', 'jobtitle'],
    words: ['职位', '职务', '头衔', 'title', 'position', 'jobtitle'],
  },
  {
    keys: ['city', 'province', 'region', 'address'],
    words: ['城市', '省份', '地区', '地址', '所在地', 'city', 'province', 'region', 'address'],
  },
  {
    keys: ['budget', 'amount', 'dealvalue'],
    words: ['预算', '金额', '预计金额', 'budget', 'amount'],
  },
  {
    keys: ['note', 'notes', 'remark', 'remarks', 'comment', 'description'],
    words: [
      '备注',
      '说明',
      '描述',
      '留言',
      'note',
      'notes',
      'remark',
      'remarks',
      'comment',
      'comments',
      'description',
      'message',
    ],
  },
  {
    keys: [],
    words: ['来源', '渠道', '线索来源', '来源渠道', 'source', 'channel', 'leadsource', 'utmsource'],
    special: '$source',
  },
  {
    keys: [],
    words: [
      '负责人',
      '销售',
      '所属销售',
      '跟进人',
      '归属人',
      'owner',
      'salesrep',
      'rep',
      'assignee',
    ],
    special: '$owner',
  },
  {
    keys: [],
    words: ['线索id', '线索编号', '外部id', '编号', 'externalid', 'leadid', 'clueid', 'id'],
    special: '$externalId',
  },
];

const squash = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');

function fieldFor(
  concept: Concept,
  fields: readonly FieldDef[],
  taken: Set<string>,
): string | null {
  const free = fields.filter((f) => !taken.has(f.key));
  const byKey = free.find((f) => concept.keys.includes(f.key.toLowerCase()));
  if (byKey) return byKey.key;
  const byLabel = free.find((f) =>
    concept.words.some(
      (w) => squash(f.label['zh-CN']) === squash(w) || squash(f.label.en) === squash(w),
    ),
  );
  if (byLabel) return byLabel.key;
  const types = concept.types ?? [];
  const byType = free.find((f) => types.includes(f.type));
  return byType ? byType.key : null;
}

/**
 * Suggests a target for each header: an exact key or label of an SOP field first, then a
 * concept whose synonyms match. Each field and special target is suggested at most once.
 *
 * @example
 * suggestMapping(['客户名称', '手机号', '来源'], sop.fields) // { '0': 'company', '1': 'phone', '2': '$source' }
 */
export function suggestMapping(
  headers: readonly string[],
  fields: readonly FieldDef[],
): ColumnMapping {
  const out: ColumnMapping = {};
  const taken = new Set<string>();
  const pending: number[] = [];
  headers.forEach((h, i) => {
    const key = squash(h);
    if (!key) return;
    const exact = fields.find(
      (f) =>
        !taken.has(f.key) &&
        (squash(f.key) === key || squash(f.label['zh-CN']) === key || squash(f.label.en) === key),
    );
    if (exact) {
      out[String(i)] = exact.key;
      taken.add(exact.key);
    } else pending.push(i);
  });
  for (const i of pending) {
    const key = squash(headers[i] ?? '');
    const concept = CONCEPTS.find((c) => c.words.some((w) => squash(w) === key));
    if (!concept) continue;
    const target = concept.special ?? fieldFor(concept, fields, taken);
    if (!target || taken.has(target)) continue;
    out[String(i)] = target;
    taken.add(target);
  }
  return out;
}

/**
 * The header row: of the first 20 non-blank rows, the first whose cells suggest the most
 * targets; the first non-blank row when none suggests anything.
 */
export function guessHeaderRow(rows: readonly string[][], fields: readonly FieldDef[]): number {
  let best = -1;
  let bestScore = 0;
  let seen = 0;
  for (let r = 0; r < rows.length && seen < 20; r++) {
    const row = rows[r] ?? [];
    if (row.every((c) => c.trim() === '')) continue;
    seen++;
    if (best === -1) best = r;
    const score = Object.keys(suggestMapping(row, fields)).length;
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return Math.max(best, 0);
}
