/**
 * `delivery.disabled`: a webhook endpoint or a chat channel stopped (a permanent error, or five
 * days of failures). Its admins are told in the app by the transport; this tells them where
 * they actually look too — the notification rules for `delivery.disabled` name a chat channel
 * (say, the IT group's robot) or a webhook endpoint (a monitoring system). The target that
 * just stopped is never used to report itself. Runs in the transaction that disables it.
 */
import type { BotNote } from './bots/message.ts';
import { insertDeliveries } from './fanout.ts';
import type { Query } from './transport.ts';

export type DisabledTarget = {
  targetKind: string;
  targetId: string;
  /** The endpoint's host or the channel's name. */
  label: string;
  reason: string;
};

export const DISABLED_EVENT = 'delivery.disabled';

/** The chat note, in the rule's language: what stopped, why, and where to mend it. */
export function disabledNote(t: DisabledTarget, locale: 'zh-CN' | 'en'): BotNote {
  const webhook = t.targetKind === 'webhook';
  const zh = locale === 'zh-CN';
  const what = webhook
    ? `Webhook ${t.label}`
    : zh
      ? `聊天机器人「${t.label}」`
      : `Chat channel “${t.label}”`;
  return {
    title: zh ? `推送已停用 · ${what}` : `Delivery stopped · ${what}`,
    lines: [
      zh ? `原因：${t.reason}` : `Reason: ${t.reason}`,
      zh
        ? `修复后请在“管理 → ${webhook ? 'Webhooks' : '聊天机器人'}”重新启用${webhook ? '并重放消息' : ''}；停用期间的消息已保留。`
        : `Fix it, then enable it again under Admin → ${webhook ? 'Webhooks' : 'Chat channels'}${webhook ? ' and replay its messages' : ''}; messages meanwhile are kept.`,
    ],
    url: null,
    button: zh ? '打开' : 'Open',
    mentions: [],
  };
}

export async function alertDisabled(
  q: Query,
  ws: string,
  t: DisabledTarget,
  at: number,
): Promise<void> {
  const rules = await q(
    `select r.target, r.channel_id, r.webhook_id, r.locale,
            e.enabled is true and e.disabled_at is null as endpoint_on
       from notification_rules r
       left join webhook_endpoints e on e.workspace_id = r.workspace_id and e.id = r.webhook_id
      where r.workspace_id = $1 and r.enabled and r.event = $2
      order by r.created_at, r.id`,
    [ws, DISABLED_EVENT],
  );
  const isSelf = (kind: 'channel' | 'webhook', id: unknown) =>
    String(id) === t.targetId && (kind === 'webhook') === (t.targetKind === 'webhook');
  const source = `${DISABLED_EVENT}:${t.targetKind}:${t.targetId}:${at}`;
  for (const r of rules) {
    const locale = r.locale === 'en' ? 'en' : 'zh-CN';
    if (r.target === 'channel' && r.channel_id && !isSelf('channel', r.channel_id)) {
      await q(
        `insert into chat_queue (workspace_id, id, channel_id, source_id, locale, note, created_at)
         select $1, gen_random_uuid()::text, c.id, $3, $4, $5::jsonb, now()
           from chat_channels c where c.workspace_id = $1 and c.id = $2
         on conflict do nothing`,
        [ws, r.channel_id, source, locale, JSON.stringify(disabledNote(t, locale))],
      );
    } else if (r.target === 'webhook' && r.webhook_id && !isSelf('webhook', r.webhook_id)) {
      await insertDeliveries(q, [
        {
          workspaceId: ws,
          targetKind: 'webhook',
          targetId: String(r.webhook_id),
          messageId: `msg_${crypto.randomUUID()}`,
          outboxId: null,
          eventType: DISABLED_EVENT,
          data: {
            targetKind: t.targetKind,
            targetId: t.targetId,
            label: t.label,
            reason: t.reason,
          },
          timestamp: at,
          held: r.endpoint_on !== true,
        },
      ]);
    }
  }
}
