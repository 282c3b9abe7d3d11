/**
 * 企业微信 group robot: POST JSON to `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
 * No signing (the key is the secret). Markdown content is limited to 4,096 UTF-8 bytes; the
 * robot sends 20 messages a minute. Markdown has no @ by mobile, so a message that mentions
 * someone goes as `text` with `mentioned_mobile_list` (2,048 bytes). Success is HTTP 200 with
 * `errcode` 0. Codes: docs/delivery-bots.md.
 */
import type { BuiltRequest, DeliveryMessage, HttpResponse, Outcome } from '../transport.ts';
import { type BotMessage, markdownOf, mentionsOf } from './message.ts';
import { type ChannelConfig, classifyErrcode, fitBody, jsonOf, nonOk } from './platform.ts';

export const WECOM_MARKDOWN_BYTES = 4096;
export const WECOM_TEXT_BYTES = 2048;

/** Answers that mean the robot will never take a message as configured. */
const PERMANENT: Record<number, string> = {
  93000: 'invalid webhook url (the robot was removed or the key is wrong)',
  93004: 'the robot is disabled',
  60020: 'not allowed to access from this IP',
};
/** Too many messages: the robot's minute is used up. */
const THROTTLED = new Set([45009]);

export function buildWecom(target: ChannelConfig, message: DeliveryMessage): BuiltRequest {
  const m = message.data as unknown as BotMessage;
  const mentions = mentionsOf(m);
  const body = mentions.length
    ? fitBody(textOf(m), WECOM_TEXT_BYTES, Number.MAX_SAFE_INTEGER, (content) =>
        JSON.stringify({
          msgtype: 'text',
          text: { content, mentioned_mobile_list: mentions },
        }),
      )
    : fitBody(markdownOf(m, true), WECOM_MARKDOWN_BYTES, Number.MAX_SAFE_INTEGER, (content) =>
        JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
      );
  return {
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  };
}

/** Plain text for a message with mentions: each note's title, lines and link. */
function textOf(m: BotMessage): string {
  const parts = m.notes.map((n) => [n.title, ...n.lines, ...(n.url ? [n.url] : [])].join('\n'));
  return [m.notes.length > 1 ? m.title : '', ...parts].filter(Boolean).join('\n\n');
}

export function classifyWecom(res: HttpResponse): Outcome {
  const json = jsonOf(res);
  if (res.status !== 200) return nonOk(res);
  const code = typeof json?.errcode === 'number' ? json.errcode : null;
  return classifyErrcode(res, code, { permanent: PERMANENT, throttled: THROTTLED, muteMs: 60_000 });
}
