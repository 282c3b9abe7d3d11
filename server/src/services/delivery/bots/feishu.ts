/**
 * 飞书 custom bot: POST JSON to `https://open.feishu.cn/open-apis/bot/v2/hook/…`. When the bot
 * has a signing secret the body carries `timestamp` (seconds, within an hour of the server's
 * clock) and `sign`; an optional keyword must appear in the message. An interactive card with
 * a button per note; the body is limited to 20 KB; the bot takes 5 messages a second and 100 a
 * minute. Success is HTTP 200 with `code` 0 (older answers: `StatusCode` 0). Feishu cannot
 * @ by mobile number, so mentions are left out. Codes: docs/delivery-bots.md.
 */
import type { BuiltRequest, DeliveryMessage, HttpResponse, Outcome } from '../transport.ts';
import { retryAfterMs } from '../transport.ts';
import { type BotMessage, markdownOf } from './message.ts';
import { type ChannelConfig, fitBody, jsonOf, withKeyword } from './platform.ts';
import { feishuSign } from './sign.ts';

export const FEISHU_BODY_BYTES = 20 * 1024;

const PERMANENT: Record<number, string> = {
  19001: 'invalid webhook (the bot was removed or the URL is wrong)',
  19021: 'signature does not match or the timestamp is not within an hour',
  19022: 'IP not allowed',
  19024: 'keyword not found in the message',
};
const THROTTLED = new Set([11232, 99991400]);

export function buildFeishu(
  target: ChannelConfig,
  message: DeliveryMessage,
  now: number,
): BuiltRequest {
  const m = message.data as unknown as BotMessage;
  const only = m.notes.length === 1 ? m.notes[0] : undefined;
  const seconds = Math.floor(now / 1000);
  const signed = target.secret
    ? { timestamp: String(seconds), sign: feishuSign(target.secret, seconds) }
    : {};
  const title = withKeyword(m.title, target.keyword);
  const body = fitBody(markdownOf(m, !only), FEISHU_BODY_BYTES, FEISHU_BODY_BYTES, (text) =>
    JSON.stringify({
      ...signed,
      msg_type: 'interactive',
      card: {
        header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: text.replace(/^### .*\n+/, '') } },
          ...(only?.url
            ? [
                {
                  tag: 'action',
                  actions: [
                    {
                      tag: 'button',
                      text: { tag: 'plain_text', content: only.button },
                      type: 'primary',
                      url: only.url,
                    },
                  ],
                },
              ]
            : []),
        ],
      },
    }),
  );
  return {
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  };
}

export function classifyFeishu(res: HttpResponse, now: number): Outcome {
  const json = jsonOf(res);
  const code =
    typeof json?.code === 'number'
      ? json.code
      : typeof json?.StatusCode === 'number'
        ? json.StatusCode
        : null;
  if (res.status === 429 || (code !== null && THROTTLED.has(code))) {
    const reset = Number(res.headers.get('x-ogw-ratelimit-reset'));
    const wait = retryAfterMs(res.headers, now) ?? (reset > 0 ? reset * 1000 : 60_000);
    return { kind: 'retry', status: res.status, excerpt: res.body, retryAfterMs: wait };
  }
  // the security checks answer their code whatever the HTTP status
  if (code !== null && PERMANENT[code]) {
    const reason = `${code} ${PERMANENT[code]}`;
    return { kind: 'permanent', status: res.status, excerpt: res.body, reason };
  }
  if (res.status !== 200) return { kind: 'retry', status: res.status, excerpt: res.body };
  if (code === 0) return { kind: 'delivered', status: 200, excerpt: res.body };
  return { kind: 'retry', status: 200, excerpt: res.body };
}
