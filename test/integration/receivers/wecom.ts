/**
 * A 企业微信 group robot on 127.0.0.1 that checks what the real one checks: the key, the
 * message type, the markdown (4,096 bytes) and text (2,048 bytes) limits, and 20 messages a
 * minute; it answers the platform's `{ errcode, errmsg }` bodies.
 */
import {
  errcode,
  errcodeOk,
  type ReceiverBase,
  SlidingWindow,
  serve,
  utf8Length,
} from './common.ts';

export type WecomReceiver = ReceiverBase;

export function startWecom(opts: { key: string; now?: () => number }): WecomReceiver {
  const now = opts.now ?? Date.now;
  const minute = new SlidingWindow(60_000);
  const robot: WecomReceiver = serve(
    `/cgi-bin/webhook/send?key=${opts.key}`,
    ({ url, body, now: t }) => {
      if (url.searchParams.get('key') !== opts.key)
        return errcode(93000, 'invalid webhook url, hint: [1700000000_1_x], from ip: 127.0.0.1');
      if (!robot.ipAllowed)
        return errcode(60020, 'not allow to access from your ip, from ip: 127.0.0.1');
      if (minute.record(t) > 20)
        return errcode(45009, 'api freq out of limit, hint: [1700000000_2_x]');
      if (!body) return errcode(40035, 'invalid json');
      if (body.msgtype === 'markdown') {
        const md = body.markdown as { content?: unknown } | undefined;
        if (typeof md?.content !== 'string' || !md.content) return errcode(44004, 'empty content');
        if (utf8Length(md.content) > 4096)
          return errcode(
            40058,
            'markdown.content exceed max length 4096. invalid Request Parameter',
          );
      } else if (body.msgtype === 'text') {
        const tx = body.text as { content?: unknown; mentioned_mobile_list?: unknown } | undefined;
        if (typeof tx?.content !== 'string' || !tx.content) return errcode(44004, 'empty content');
        if (utf8Length(tx.content) > 2048)
          return errcode(40058, 'text.content exceed max length 2048. invalid Request Parameter');
      } else return errcode(40008, 'invalid message type');
      return errcodeOk;
    },
    now,
  );
  return robot;
}
