/**
 * The chat adapters against receivers that check what each platform checks: signatures,
 * keyword, byte limits, the platforms' success, error and rate-limit answers, and how each
 * answer is classified (delivered, retry later, permanent).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDingtalk,
  classifyDingtalk,
} from '../../server/src/services/delivery/bots/dingtalk.ts';
import { buildFeishu, classifyFeishu } from '../../server/src/services/delivery/bots/feishu.ts';
import type { BotMessage, BotNote } from '../../server/src/services/delivery/bots/message.ts';
import type { ChannelConfig } from '../../server/src/services/delivery/bots/platform.ts';
import { buildWecom, classifyWecom } from '../../server/src/services/delivery/bots/wecom.ts';
import type {
  BuiltRequest,
  DeliveryMessage,
  Outcome,
} from '../../server/src/services/delivery/transport.ts';
import { startDingtalk } from './receivers/dingtalk.ts';
import { startFeishu } from './receivers/feishu.ts';
import { startWecom } from './receivers/wecom.ts';

const note = (title: string, extra: Partial<BotNote> = {}): BotNote => ({
  title,
  lines: ['阶段：初次联系', '负责人：王磊', '剩余时间：2 小时'],
  url: 'https://crm.example.com/l/abc.def',
  button: '打开记录',
  mentions: [],
  ...extra,
});

const message = (m: BotMessage): DeliveryMessage => ({
  id: 'msg_1',
  workspaceId: 'w1',
  type: 'record.overdue',
  timestamp: Date.now(),
  data: m as unknown as Record<string, unknown>,
});

async function send(
  req: BuiltRequest,
  classify: (r: { status: number; headers: Headers; body: string }, now: number) => Outcome,
) {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: 'manual',
  });
  return classify({ status: res.status, headers: res.headers, body: await res.text() }, Date.now());
}

const channel = (
  kind: ChannelConfig['kind'],
  url: string,
  extra: Partial<ChannelConfig> = {},
): ChannelConfig => ({
  id: 'c1',
  kind,
  name: 'Sales group',
  url,
  secret: null,
  keyword: null,
  ...extra,
});

const huge = '长'.repeat(10_000);

describe('企业微信 adapter', () => {
  const rx = startWecom({ key: 'k-1' });
  afterAll(() => rx.close());

  it('delivers markdown, and text with @ by mobile; cuts to the byte limits', async () => {
    const m = message({
      locale: 'zh-CN',
      title: '星河科技',
      notes: [note('星河科技', { lines: [huge] })],
    });
    expect((await send(buildWecom(channel('wecom', rx.url), m), classifyWecom)).kind).toBe(
      'delivered',
    );
    const withAt = message({
      locale: 'zh-CN',
      title: 't',
      notes: [note('t', { lines: [huge], mentions: ['13800138000'] })],
    });
    expect((await send(buildWecom(channel('wecom', rx.url), withAt), classifyWecom)).kind).toBe(
      'delivered',
    );
    expect(rx.accepted).toHaveLength(2);
    const text = rx.accepted[1]?.body.text as { mentioned_mobile_list: string[] };
    expect(text.mentioned_mobile_list).toEqual(['13800138000']);
  });

  it('an invalid key is permanent; the minute limit is a retry later', async () => {
    const bad = channel('wecom', rx.url.replace('k-1', 'nope'));
    const out = await send(
      buildWecom(bad, message({ locale: 'en', title: 'x', notes: [note('x')] })),
      classifyWecom,
    );
    expect(out.kind).toBe('permanent');
    const m = message({ locale: 'en', title: 'x', notes: [note('x')] });
    const outs: Outcome[] = [];
    for (let i = 0; i < 21; i++)
      outs.push(await send(buildWecom(channel('wecom', rx.url), m), classifyWecom));
    const last = outs.at(-1);
    expect(last?.kind).toBe('retry');
    if (last?.kind === 'retry') expect(last.retryAfterMs).toBe(60_000);
  });
});

describe('钉钉 adapter', () => {
  const rx = startDingtalk({ token: 't-1', secret: 'SEC123', keyword: '提醒' });
  afterAll(() => rx.close());
  const ch = channel('dingtalk', rx.url, { secret: 'SEC123', keyword: '提醒' });

  it('delivers a signed actionCard with the keyword and a button, cut to 5,000 bytes', async () => {
    const m = message({
      locale: 'zh-CN',
      title: '星河科技',
      notes: [note('星河科技', { lines: [huge], mentions: ['13800138000'] })],
    });
    const out = await send(buildDingtalk(ch, m, Date.now()), classifyDingtalk);
    expect(out.kind).toBe('delivered');
    const card = rx.accepted[0]?.body.actionCard as {
      btns: Array<{ actionURL: string }>;
      text: string;
    };
    expect(card.btns[0]?.actionURL).toBe('https://crm.example.com/l/abc.def');
    expect(card.text).toContain('@13800138000');
  });

  it('a wrong secret, a stale timestamp, a missing keyword and a blocked IP are permanent', async () => {
    const m = message({ locale: 'zh-CN', title: 'x', notes: [note('x')] });
    const wrong = await send(
      buildDingtalk({ ...ch, secret: 'OTHER' }, m, Date.now()),
      classifyDingtalk,
    );
    expect(wrong).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('sign not match'),
    });
    const stale = await send(buildDingtalk(ch, m, Date.now() - 2 * 3600_000), classifyDingtalk);
    expect(stale.kind).toBe('permanent');
    const noKeyword = await send(
      buildDingtalk({ ...ch, keyword: null }, m, Date.now()),
      classifyDingtalk,
    );
    expect(noKeyword).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('keywords'),
    });
    rx.ipAllowed = false;
    const ip = await send(buildDingtalk(ch, m, Date.now()), classifyDingtalk);
    rx.ipAllowed = true;
    expect(ip).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('whitelist') });
  });

  it('a 21st message within a minute mutes the robot; the adapter waits out the mute', async () => {
    const m = message({ locale: 'zh-CN', title: 'x', notes: [note('x')] });
    const outs: Outcome[] = [];
    for (let i = 0; i < 21; i++)
      outs.push(await send(buildDingtalk(ch, m, Date.now()), classifyDingtalk));
    expect(rx.mutedAt).not.toBeNull();
    expect(outs.at(-1)).toMatchObject({ kind: 'retry', retryAfterMs: 10 * 60_000 });
  });
});

describe('飞书 adapter', () => {
  // the receiver's clock stands still, so its one-second window holds however slow the machine
  const fixed = Date.now();
  const rx = startFeishu({ token: 'h-1', secret: 'fs-secret', keyword: '提醒', now: () => fixed });
  afterAll(() => rx.close());
  const ch = channel('feishu', rx.url, { secret: 'fs-secret', keyword: '提醒' });

  it('delivers a signed interactive card under 20 KB; a digest links every note', async () => {
    const one = message({
      locale: 'zh-CN',
      title: 'a',
      notes: [note('a', { lines: [huge.repeat(3)] })],
    });
    expect((await send(buildFeishu(ch, one, fixed), classifyFeishu)).kind).toBe('delivered');
    const many = message({
      locale: 'zh-CN',
      title: '3 条提醒',
      notes: [note('a'), note('b'), note('c')],
    });
    expect((await send(buildFeishu(ch, many, fixed), classifyFeishu)).kind).toBe('delivered');
    expect(JSON.stringify(rx.accepted[1]?.body)).toContain(
      '[c](https://crm.example.com/l/abc.def)',
    );
  });

  it('a wrong signature or hook is permanent; 5 a second is a retry later', async () => {
    const m = message({ locale: 'en', title: 'x', notes: [note('x')] });
    const bad = await send(buildFeishu({ ...ch, secret: 'nope' }, m, fixed), classifyFeishu);
    expect(bad).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('19021') });
    const gone = await send(
      buildFeishu({ ...ch, url: rx.url.replace('h-1', 'h-2') }, m, fixed),
      classifyFeishu,
    );
    expect(gone).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('19001') });
    const outs: Outcome[] = [];
    for (let i = 0; i < 6; i++) outs.push(await send(buildFeishu(ch, m, fixed), classifyFeishu));
    expect(outs.filter((o) => o.kind === 'delivered').length).toBeGreaterThan(0);
    expect(outs.at(-1)).toMatchObject({ kind: 'retry', retryAfterMs: 60_000 });
  });
});
