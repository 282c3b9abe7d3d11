/**
 * The three chat transports, as the delivery core takes them (transport.ts): each shapes
 * and signs with its adapter, classifies the platform's answer, and keeps its channel's
 * state in `chat_channels`.
 */
import type { Transport } from '../transport.ts';
import { channelHealth, disableChannel, loadChannel } from './channel-store.ts';
import { buildDingtalk, classifyDingtalk } from './dingtalk.ts';
import { buildFeishu, classifyFeishu } from './feishu.ts';
import type { BotKind, ChannelConfig } from './platform.ts';
import { buildWecom, classifyWecom } from './wecom.ts';

function transport(
  kind: BotKind,
  build: Transport<ChannelConfig>['build'],
  classify: Transport<ChannelConfig>['classify'],
): Transport<ChannelConfig> {
  return {
    kind,
    load: (q, ws, id) => loadChannel(q, kind, ws, id),
    build,
    classify,
    health: channelHealth,
    disable: disableChannel,
  };
}

export const wecomTransport = transport('wecom', buildWecom, classifyWecom);
export const dingtalkTransport = transport('dingtalk', buildDingtalk, classifyDingtalk);
export const feishuTransport = transport('feishu', buildFeishu, classifyFeishu);

export const BOT_TRANSPORTS: Record<BotKind, Transport<ChannelConfig>> = {
  wecom: wecomTransport,
  dingtalk: dingtalkTransport,
  feishu: feishuTransport,
};
