/**
 * A 飞书 custom bot on 127.0.0.1 that checks what the real one checks: the hook token; the
 * signature (`timestamp` in seconds within an hour, `sign` = base64 HMAC-SHA256 keyed by
 * `timestamp\nsecret` over an empty message); the keyword; the IP whitelist; the 20 KB body;
 * 5 messages a second and 100 a minute. It answers the platform's `{ code, msg, data }` bodies.
 */
import { createHmac } from 'node:crypto';
import { type ReceiverBase, SlidingWindow, serve, utf8Length } from './common.ts';

export type FeishuReceiver = ReceiverBase;

export function startFeishu(opts: {
  token: string;
  secret?: string;
  keyword?: string;
  now?: () => number;
}): FeishuReceiver {
  const now = opts.now ?? Date.now;
  const second = new SlidingWindow(1000);
  const minute = new SlidingWindow(60_000);
  const err = (code: number, msg: string) => ({
    json: { code, data: {}, msg },
    accepted: false,
    code,
  });
  const robot: FeishuReceiver = serve(
    `/open-apis/bot/v2/hook/${opts.token}`,
    ({ url, raw, body, now: t }) => {
      if (url.pathname !== `/open-apis/bot/v2/hook/${opts.token}`)
        return err(19001, 'param invalid: incoming webhook access token invalid');
      if (utf8Length(raw) > 20 * 1024) return err(9499, 'Bad Request');
      if (!body) return err(9499, 'Bad Request');
      if (opts.secret) {
        const ts = Number(body.timestamp);
        const want = createHmac('sha256', `${ts}\n${opts.secret}`).update('').digest('base64');
        if (!Number.isFinite(ts) || Math.abs(t / 1000 - ts) > 3600 || body.sign !== want)
          return err(
            19021,
            'sign match fail or timestamp is not within one hour from current time',
          );
      }
      if (!robot.ipAllowed) return err(19022, 'Ip Not Allowed');
      if (opts.keyword && !raw.includes(opts.keyword)) return err(19024, 'Key Words Not Found');
      const perSecond = second.record(t);
      const perMinute = minute.record(t);
      if (perSecond > 5 || perMinute > 100)
        return err(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]');
      if (!['text', 'post', 'image', 'share_chat', 'interactive'].includes(String(body.msg_type)))
        return err(9499, 'Bad Request');
      return {
        json: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' },
        accepted: true,
        code: 0,
      };
    },
    now,
  );
  return robot;
}
