/**
 * The fan-out sinks. The fan-out loop claims a batch of pending outbox rows and, in the same
 * transaction, hands them to every sink; each sink returns the delivery rows its targets
 * want (one per target and message), which the fan-out inserts. A sink never sends anything.
 *
 * The webhook sink adds one delivery per endpoint subscribed to the event (held when the
 * endpoint is off or disabled); chat-bot notification rules append their own sink here.
 * The sink types live in transport.ts with the rest of the contract.
 */

import { chatRuleSink } from './bots/rule-sink.ts';
import type { Sink } from './transport.ts';
import { webhookSink } from './webhook-sink.ts';

export type { NewDelivery, OutboxRow, Query, Sink } from './transport.ts';

/** Every sink the fan-out runs, in order. Chat-bot notification rules append theirs. */
export const SINKS: readonly Sink[] = [webhookSink, chatRuleSink];
