/**
 * Ad-platform push payloads → canonical lead parts. Each adapter names the lead's id at the
 * platform and its contact values under common keys (name, phone, province, city, remark,
 * …); `toSopFields` then puts those keys onto the target SOP's fields by the same synonyms
 * the import suggests. Mappings are documented in docs/intake.md.
 */
import type { FieldDef } from '@closeloop/engine';
import { suggestMapping } from './mapping.ts';

export type AdaptedLead = {
  externalId: string | null;
  /** Contact values under common keys; unknown keys are dropped by toSopFields. */
  values: Record<string, string>;
};

export const PLATFORMS = ['oceanengine', 'tencent', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string'
    ? v.trim()
    : typeof v === 'number' || typeof v === 'bigint'
      ? String(v)
      : '';

/** Form answers as "问题：回答" lines (remark_dict is an object of question → answer). */
function answers(v: unknown): string {
  if (isObj(v)) {
    return Object.entries(v)
      .map(([q, a]) => `${q}：${Array.isArray(a) ? a.map(text).join('、') : text(a)}`)
      .join('\n');
  }
  return text(v);
}

/** 巨量引擎 / 飞鱼 clue push (one clue object). */
function oceanengine(p: Json): AdaptedLead {
  const remark = [text(p.remark), answers(p.remark_dict)].filter(Boolean).join('\n');
  return {
    externalId: text(p.clue_id) || null,
    values: {
      name: text(p.name),
      phone: text(p.telephone),
      province: text(p.province_name ?? p.province),
      city: text(p.city_name ?? p.city),
      remark,
      adId: text(p.ad_id ?? p.promotion_id),
      creativeId: text(p.creative_id),
      advertiserId: text(p.advertiser_id),
    },
  };
}

/** 腾讯广告 leads (one leads object). */
function tencent(p: Json): AdaptedLead {
  return {
    externalId: text(p.leads_id) || null,
    values: {
      name: text(p.leads_name),
      phone: text(p.leads_telephone ?? p.leads_tel),
      email: text(p.leads_email),
      city: text(p.leads_area),
      remark: text(p.bundle ?? p.leads_remark),
      clickId: text(p.click_id),
      accountId: text(p.account_id),
    },
  };
}

function at(p: unknown, path: string): unknown {
  let cur = p;
  for (const part of path.split('.')) {
    if (!isObj(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Json)[part];
  }
  return cur;
}

/** Any JSON: `mapping` names, per SOP field key (or `$externalId`), a dot path in the payload. */
function generic(p: Json, mapping: Record<string, string>): AdaptedLead {
  const values: Record<string, string> = {};
  let externalId: string | null = null;
  for (const [target, path] of Object.entries(mapping)) {
    const v = at(p, path);
    const s = isObj(v) ? answers(v) : Array.isArray(v) ? v.map(text).join('、') : text(v);
    if (target === '$externalId') externalId = s || null;
    else if (s) values[target] = s;
  }
  return { externalId, values };
}

/** The leads in one push body: platforms send one object, an array, or `{ data: [...] }`. */
export function pushItems(body: unknown): Json[] {
  if (Array.isArray(body)) return body.filter(isObj);
  if (isObj(body) && Array.isArray(body.data)) return body.data.filter(isObj);
  if (isObj(body) && isObj(body.data)) return [body.data];
  return isObj(body) ? [body] : [];
}

export function adaptPush(
  platform: Platform,
  item: Json,
  mapping: Record<string, string> = {},
): AdaptedLead {
  if (platform === 'oceanengine') return oceanengine(item);
  if (platform === 'tencent') return tencent(item);
  return generic(item, mapping);
}

/**
 * Common keys → the SOP's fields: an exact field key first, then the import's synonyms
 * (name → contact, phone → the phone field, remark → a note field, city → a region field).
 */
export function toSopFields(
  values: Record<string, string>,
  defs: readonly FieldDef[],
): Record<string, string> {
  const keys = Object.keys(values).filter((k) => values[k]);
  const out: Record<string, string> = {};
  const byKey = new Set(defs.map((d) => d.key));
  const rest: string[] = [];
  for (const k of keys) {
    if (byKey.has(k)) out[k] = values[k] ?? '';
    else rest.push(k);
  }
  const free = defs.filter((d) => !(d.key in out));
  const suggested = suggestMapping(rest, free);
  for (const [i, target] of Object.entries(suggested)) {
    const k = rest[Number(i)];
    if (k && !target.startsWith('$')) out[target] = values[k] ?? '';
  }
  return out;
}
