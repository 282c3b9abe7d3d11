/**
 * A 钉钉 custom robot on 127.0.0.1 that checks what the real one checks: the access token;
 * 加签 (`timestamp` in ms within an hour of its clock, `sign` = base64 HMAC-SHA256 of
 * `timestamp\nsecret` keyed by the secret); the custom keyword in the message; the IP
 * whitelist; 20 messages a minute — a 21st mutes the robot for ten minutes, during which
 * every message is refused. It answers the platform's `{ errcode, errmsg }` bodies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  errcode,
  errcodeOk,
  type ReceiverBase,
  SlidingWindow,
  serve,
  utf8Length,
} from './common.ts';

export type DingtalkReceiver = ReceiverBase & {
  /** When the robot was muted for exceeding 20 a minute (null: never). */
  mutedAt: number | null;
};

const HOUR = 3600_000;

export function startDingtalk(opts: {
  token: string;
  secret?: string;
  keyword?: string;
  now?: () => number;
}): DingtalkReceiver {
  const now = opts.now ?? Date.now;
  const minute = new SlidingWindow(60_000);
  const robot: DingtalkReceiver = Object.assign(
    serve(
      `/robot/send?access_token=${opts.token}`,
      ({ url, body, now: t }) => {
        if (url.searchParams.get('access_token') !== opts.token)
          return errcode(300001, 'token is not exist');
        if (robot.mutedAt !== null && t < robot.mutedAt + 10 * 60_000)
          return errcode(130101, 'send too fast, exceed 20 times per minute');
        if (opts.secret) {
          const ts = Number(url.searchParams.get('timestamp'));
          const sign = url.searchParams.get('sign') ?? '';
          if (!Number.isFinite(ts) || Math.abs(t - ts) > HOUR)
            return errcode(310000, 'invalid timestamp');
          const want = createHmac('sha256', opts.secret).update(`${ts}\n${opts.secret}`).digest();
          const got = Buffer.from(sign, 'base64');
          if (got.length !== want.length || !timingSafeEqual(got, want))
            return errcode(
              310000,
              'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
            );
        }
        if (!robot.ipAllowed) return errcode(310000, 'ip 127.0.0.1 not in whitelist');
        if (!body) return errcode(40035, '缺少参数 json');
        if (opts.keyword && !textOf(body).includes(opts.keyword))
          return errcode(310000, 'keywords not in content');
        if (minute.record(t) > 20) {
          robot.mutedAt = t;
          return errcode(130101, 'send too fast, exceed 20 times per minute');
        }
        if (body.msgtype === 'actionCard') {
          const card = body.actionCard as { title?: unknown; text?: unknown } | undefined;
          if (typeof card?.title !== 'string' || typeof card.text !== 'string')
            return errcode(40035, '缺少参数 actionCard');
          if (utf8Length(card.text) > 5000) return errcode(40035, 'actionCard.text too long');
        } else if (!['text', 'markdown', 'link', 'feedCard'].includes(String(body.msgtype)))
          return errcode(40008, 'invalid msgtype');
        return errcodeOk;
      },
      now,
    ),
    { mutedAt: null as number | null },
  );
  return robot;
}

/** Every text the robot shows (where it looks for the keyword). */
function textOf(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(body[String(body.msgtype)]);
  return parts.join('\n');
}
