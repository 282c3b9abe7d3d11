/**
 * 钉钉 custom robot: POST JSON to `https://oapi.dingtalk.com/robot/send?access_token=…`, with
 * 加签 as `timestamp` (ms) and `sign` query parameters when the robot has a secret; the
 * optional custom keyword must appear in the message. An actionCard with a button per note
 * (a digest links each note inline). The robot takes 20 messages a minute and is muted for
 * ten minutes after a 21st. Success is HTTP 200 with `errcode` 0. Codes: docs/delivery-bots.md.
 */
import type { BuiltRequest, DeliveryMessage, HttpResponse, Outcome } from '../transport.ts';
import { type BotMessage, markdownOf, mentionsOf } from './message.ts';
import {
  type ChannelConfig,
  classifyErrcode,
  fitBody,
  jsonOf,
  nonOk,
  withKeyword,
} from './platform.ts';
import { dingtalkSign } from './sign.ts';

/** The actionCard text limit (钉钉 refuses longer content). */
export const DINGTALK_TEXT_BYTES = 5000;
/** A ten-minute mute after exceeding 20 a minute: waiting less only extends it. */
export const DINGTALK_MUTE_MS = 10 * 60_000;

const PERMANENT: Record<number, string> = {
  300001: 'the access token does not exist (the robot was removed)',
  300005: 'the access token does not exist (the robot was removed)',
  400102: 'the robot is disabled',
};
const THROTTLED = new Set([130101, 410100]);

export function buildDingtalk(
  target: ChannelConfig,
  message: DeliveryMessage,
  now: number,
): BuiltRequest {
  const m = message.data as unknown as BotMessage;
  const mentions = mentionsOf(m);
  const only = m.notes.length === 1 ? m.notes[0] : undefined;
  // 钉钉 shows an @ only when the mobile is also written in the text
  const at = mentions.length ? `\n\n${mentions.map((p) => `@${p}`).join(' ')}` : '';
  const keywordTail = withKeyword('', target.keyword);
  const text = markdownOf(m, !only);
  const title = withKeyword(m.title, target.keyword);
  const body = fitBody(
    text,
    DINGTALK_TEXT_BYTES - new TextEncoder().encode(at + keywordTail).length,
    Number.MAX_SAFE_INTEGER,
    (cut) =>
      JSON.stringify({
        msgtype: 'actionCard',
        actionCard: {
          title,
          text: withKeyword(cut + at, target.keyword),
          btnOrientation: '0',
          ...(only?.url ? { btns: [{ title: only.button, actionURL: only.url }] } : {}),
        },
        at: { atMobiles: mentions, isAtAll: false },
      }),
  );
  let url = target.url;
  if (target.secret) {
    const u = new URL(target.url);
    // the sign is URL-encoded already: append it by hand so it is not encoded twice
    u.searchParams.set('timestamp', String(now));
    url = `${u.toString()}&sign=${dingtalkSign(target.secret, now)}`;
  }
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  };
}

export function classifyDingtalk(res: HttpResponse): Outcome {
  if (res.status !== 200) return nonOk(res);
  const json = jsonOf(res);
  const code = typeof json?.errcode === 'number' ? json.errcode : null;
  const msg = typeof json?.errmsg === 'string' ? json.errmsg : '';
  // 310000 covers the robot's security settings: sign, keyword, IP whitelist
  if (code === 310000)
    return { kind: 'permanent', status: 200, excerpt: res.body, reason: `310000 ${msg}` };
  return classifyErrcode(res, code, {
    permanent: PERMANENT,
    throttled: THROTTLED,
    muteMs: DINGTALK_MUTE_MS,
  });
}
