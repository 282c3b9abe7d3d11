/**
 * The webhook sink: one delivery per endpoint subscribed to the event (an endpoint with no
 * event types takes every event). An endpoint switched off or disabled still gets its
 * delivery, held, so it can be replayed.
 */
import { messageIdOf, type NewDelivery, type OutboxRow, type Sink } from './transport.ts';

export const webhookSink: Sink = {
  name: 'webhook',
  async plan(q, rows) {
    if (!rows.length) return [];
    const workspaces = [...new Set(rows.map((r) => r.workspaceId))];
    const endpoints = await q(
      `select workspace_id, id, event_types, enabled, disabled_at is not null as disabled
         from webhook_endpoints where workspace_id = any($1::text[])`,
      [workspaces],
    );
    const out: NewDelivery[] = [];
    for (const row of rows) {
      for (const e of endpoints) {
        if (e.workspace_id !== row.workspaceId) continue;
        const types = Array.isArray(e.event_types) ? e.event_types.map(String) : [];
        if (types.length && !types.includes(row.event)) continue;
        out.push(deliveryOf(row, String(e.id), e.enabled !== true || e.disabled === true));
      }
    }
    return out;
  },
};

function deliveryOf(row: OutboxRow, endpointId: string, held: boolean): NewDelivery {
  return {
    workspaceId: row.workspaceId,
    targetKind: 'webhook',
    targetId: endpointId,
    messageId: messageIdOf(row.id),
    outboxId: row.id,
    eventType: row.event,
    data: row.payload,
    timestamp: row.createdAt,
    held,
  };
}
