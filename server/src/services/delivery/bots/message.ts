/**
 * What a chat delivery carries: one or more notes, already worded in the rule's language.
 * The rule sink queues notes per channel; the pump (pump.ts) sends a single note as it is
 * and merges a backlog into one digest (`digestOf`) when the channel's bucket ran dry — it
 * never drops a note. The adapters shape a message for their platform and cut it to size.
 */
import { utf8Bytes } from './text.ts';

export type BotLocale = 'zh-CN' | 'en';

/** One notification for a group: a record's name, what happened, a button to open it. */
export type BotNote = {
  title: string;
  /** Body lines (stage, owner, time left…). */
  lines: string[];
  /** The signed link the button opens; null for a test message. */
  url: string | null;
  /** The button's label. */
  button: string;
  /** Mobile numbers to @ (企业微信, 钉钉). */
  mentions: string[];
};

/** A delivery's `data` for a chat target. */
export type BotMessage = {
  locale: BotLocale;
  /** The card's title: the note's own, or the digest's ("5 条提醒"). */
  title: string;
  notes: BotNote[];
};

const DIGEST_TITLE: Record<BotLocale, (n: number) => string> = {
  'zh-CN': (n) => `${n} 条提醒`,
  en: (n) => `${n} notifications`,
};

/** One note as a message, or several merged into a digest. */
export function digestOf(notes: BotNote[], locale: BotLocale): BotMessage {
  const only = notes.length === 1 ? notes[0] : undefined;
  return { locale, title: only ? only.title : DIGEST_TITLE[locale](notes.length), notes };
}

/** Every mobile to @ in the message, once each. */
export const mentionsOf = (m: BotMessage): string[] => [
  ...new Set(m.notes.flatMap((n) => n.mentions)),
];

/** Markdown link text without the characters that would end it early. */
const linkText = (s: string) => s.replace(/[[\]\n]/g, ' ');

/**
 * The message as markdown: a single note as heading and lines (its button separate, where
 * the platform has buttons), a digest as one entry per note with its link inline.
 */
export function markdownOf(m: BotMessage, inlineLinks: boolean): string {
  const only = m.notes.length === 1 ? m.notes[0] : undefined;
  if (only) {
    const link = inlineLinks && only.url ? [`[${linkText(only.button)}](${only.url})`] : [];
    return [`### ${only.title}`, ...only.lines, ...link].join('\n\n');
  }
  const entries = m.notes.map((n) => {
    const head = n.url ? `[${linkText(n.title)}](${n.url})` : n.title;
    return `- ${[head, ...n.lines].join(' · ')}`;
  });
  return [`### ${m.title}`, ...entries].join('\n');
}

/**
 * How many of `notes` (from the front, at least one) fit one digest whose markdown stays
 * within `maxBytes`: the rest wait for the next token, so a digest is never cut.
 */
export function fittingCount(notes: BotNote[], locale: BotLocale, maxBytes: number): number {
  let n = 1;
  while (n < notes.length) {
    const next = digestOf(notes.slice(0, n + 1), locale);
    if (utf8Bytes(markdownOf(next, true)) > maxBytes) break;
    n++;
  }
  return n;
}
