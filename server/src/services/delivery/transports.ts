/**
 * The transport of each target kind. Kinds without one yet (chat bots are added beside the
 * webhook) leave their deliveries pending.
 */

import { BOT_TRANSPORTS } from './bots/transports.ts';
import type { TargetKind, Transport } from './transport.ts';
import { webhookTransport } from './webhook-transport.ts';

// biome-ignore lint/suspicious/noExplicitAny: each transport's target config type is its own
export const TRANSPORTS: Partial<Record<TargetKind, Transport<any>>> = {
  webhook: webhookTransport,
  ...BOT_TRANSPORTS,
};
