/** Dates and names as the admin pages show them. */
import type { UserSummary } from './api.ts';

export function formatDateTime(value: string | number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** A lookup from user id to the user (for names in tables and pickers). */
export function byId(users: UserSummary[] | undefined): Map<string, UserSummary> {
  return new Map((users ?? []).map((u) => [u.id, u]));
}

export function nameOf(users: Map<string, UserSummary>, id: string | null | undefined): string {
  if (!id) return '—';
  return users.get(id)?.name ?? id;
}
