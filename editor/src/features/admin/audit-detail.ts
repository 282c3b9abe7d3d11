/**
 * An audit entry's target and detail in words: people and teams by name, known keys by
 * their label, lists as counts — never raw ids or JSON.
 */
import type { TFunction } from 'i18next';

export type Names = { user(id: string): string | undefined; team(id: string): string | undefined };

const KEYS = new Set([
  'reason',
  'handedOver',
  'to',
  'count',
  'recordIds',
  'role',
  'from',
  'email',
  'name',
  'active',
  'version',
  'note',
  'scopes',
  'changes',
]);

function value(t: TFunction, names: Names, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (v === 'team-rule') return t('admin.audit.teamRule');
  if (typeof v === 'boolean') return v ? t('admin.audit.yes') : t('admin.audit.no');
  if (typeof v === 'string') return names.user(v) ?? names.team(v) ?? v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    if (v.length > 3 || v.some((x) => typeof x === 'object'))
      return t('admin.audit.items', { count: v.length });
    return v.map((x) => value(t, names, x)).join('、');
  }
  if (typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => `${keyLabel(t, k)} ${value(t, names, x)}`)
      .join('，');
  }
  return String(v);
}

function keyLabel(t: TFunction, k: string): string {
  return KEYS.has(k) ? t(`admin.audit.keys.${k}`) : k;
}

/** The detail as "label: value" lines. */
export function detailLines(
  t: TFunction,
  names: Names,
  detail: Record<string, unknown>,
): Array<{ key: string; text: string }> {
  return Object.entries(detail).map(([k, v]) => ({
    key: k,
    text: `${keyLabel(t, k)}：${value(t, names, v)}`,
  }));
}

/** The target by name ("张销售", "销售部"), its kind when it has none. */
export function targetText(
  t: TFunction,
  names: Names,
  type: string | null | undefined,
  id: string | null | undefined,
): string {
  if (!type) return '—';
  const name = id ? (type === 'team' ? names.team(id) : names.user(id)) : undefined;
  const kind = t(`admin.audit.targetType.${type}`, { defaultValue: type });
  return name ? `${kind}：${name}` : id ? `${kind}：${id.slice(0, 8)}` : kind;
}
