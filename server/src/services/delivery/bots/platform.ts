/**
 * What the three adapters share: the channel configuration a transport receives, reading a
 * platform's JSON answer, and fitting a JSON body under a byte limit by cutting its text.
 */
import type { HttpResponse, Outcome } from '../transport.ts';
import { cutUtf8, utf8Bytes } from './text.ts';

export const BOT_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;
export type BotKind = (typeof BOT_KINDS)[number];

/** A chat channel as its transport needs it. */
export type ChannelConfig = {
  id: string;
  kind: BotKind;
  name: string;
  /** The robot's webhook URL as pasted (企业微信 `…/send?key=`, 钉钉 `…/send?access_token=`). */
  url: string;
  /** 钉钉 加签 / 飞书 signing secret; null when the robot has none. */
  secret: string | null;
  /** A custom keyword the robot requires in every message; null when none. */
  keyword: string | null;
};

/** The platform's JSON answer, or null when the body is not a JSON object. */
export function jsonOf(res: HttpResponse): Record<string, unknown> | null {
  try {
    const v = JSON.parse(res.body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a robot's `errcode` means: the codes that stop the channel, and those that throttle it. */
export type ErrcodeTable = {
  /** Codes the platform documents as permanent (bad key, robot removed…), with their meaning. */
  permanent: Record<number, string>;
  /** Codes that mean "too many messages": the channel waits `muteMs`. */
  throttled: Set<number>;
  muteMs: number;
};

/**
 * An HTTP 200 answer by its `errcode` (企业微信 and 钉钉 answer every send this way): 0 is
 * delivered, a permanent code stops the channel, a throttle code waits; anything else retries.
 */
export function classifyErrcode(res: HttpResponse, code: number | null, t: ErrcodeTable): Outcome {
  if (code === 0) return { kind: 'delivered', status: 200, excerpt: res.body };
  if (code !== null && t.permanent[code])
    return {
      kind: 'permanent',
      status: 200,
      excerpt: res.body,
      reason: `${code} ${t.permanent[code]}`,
    };
  if (code !== null && t.throttled.has(code))
    return { kind: 'retry', status: 200, excerpt: res.body, retryAfterMs: t.muteMs };
  return { kind: 'retry', status: 200, excerpt: res.body };
}

/** Classification of an answer that is not HTTP 200: 429 and 5xx wait, others retry too. */
export function nonOk(res: HttpResponse, retryAfterMs?: number): Outcome {
  return { kind: 'retry', status: res.status, excerpt: res.body, retryAfterMs };
}

/**
 * The body `make(text)` builds, with `text` cut (never mid-character) so the body stays
 * within `maxBodyBytes`; JSON escaping is accounted for by measuring the built body.
 */
export function fitBody(
  text: string,
  maxTextBytes: number,
  maxBodyBytes: number,
  make: (text: string) => string,
): string {
  let budget = Math.min(maxTextBytes, utf8Bytes(text));
  for (;;) {
    const body = make(cutUtf8(text, budget));
    const over = utf8Bytes(body) - maxBodyBytes;
    if (over <= 0 || budget <= 0) return body;
    budget = Math.max(0, budget - over);
  }
}

/** `text` with the channel's keyword in it (appended when missing). */
export const withKeyword = (text: string, keyword: string | null): string =>
  keyword && !text.includes(keyword) ? `${text}\n\n${keyword}` : text;
