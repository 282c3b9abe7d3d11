/** An instant (ISO text or epoch ms) as a short date and time in the reader's language. */
export function formatTime(value: string | number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    dateStyle: 'short',
    timeStyle: 'short',
  });
}
