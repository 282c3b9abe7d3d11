/**
 * Shared by the webhook verbs: the endpoint's public view (never its secret), the event types
 * an endpoint may subscribe to, loading with a workspace check, and the SSRF check as a 422.
 */
import type { Row } from '../../db/client.ts';
import type { Ctx } from '../core/context.ts';
import { DomainError, NotFound } from '../core/errors.ts';
import { checkOutboundUrl } from '../delivery/ssrf.ts';

/** Every event type a command (or a 公海 warning) writes to the outbox. */
export const WEBHOOK_EVENT_TYPES = [
  'record.created',
  'record.stage-changed',
  'record.reassigned',
  'record.overdue',
  'record.escalated',
  'record.closed',
  'record.reopened',
  'record.updated',
  'customer.pool-warning',
] as const;

export const TEST_EVENT_TYPE = 'webhook.test';

export type WebhookEndpoint = {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  /** Why delivery disabled it (410, five days failing, refused address); null when it did not. */
  disabledReason: string | null;
  disabledAt: number | null;
  failingSince: number | null;
  /** Until when the previous secret still signs (after a rotation). */
  previousSecretValidUntil: number | null;
  createdAt: number;
  updatedAt: number;
};

export const ENDPOINT_COLUMNS = `id, url, description, event_types, enabled, disabled_reason,
  disabled_at, failing_since, previous_valid_until, created_at, updated_at`;

const ms = (v: unknown): number | null =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : null;

export function endpointOf(r: Row): WebhookEndpoint {
  return {
    id: String(r.id),
    url: String(r.url),
    description: String(r.description ?? ''),
    eventTypes: Array.isArray(r.event_types) ? r.event_types.map(String) : [],
    enabled: r.enabled === true,
    disabledReason: typeof r.disabled_reason === 'string' ? r.disabled_reason : null,
    disabledAt: ms(r.disabled_at),
    failingSince: ms(r.failing_since),
    previousSecretValidUntil: ms(r.previous_valid_until),
    createdAt: ms(r.created_at) ?? 0,
    updatedAt: ms(r.updated_at) ?? 0,
  };
}

/** The endpoint of the caller's workspace, or 404. */
export async function loadEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpoint> {
  const rows = await ctx.db.query(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where workspace_id = $1 and id = $2`,
    [ctx.user.workspaceId, id],
  );
  const r = rows[0];
  if (!r) throw new NotFound('webhook endpoint', id);
  return endpointOf(r);
}

/** Refuses a URL the server must not reach (422 `outbound-url-refused`). */
export async function assertOutboundUrl(ctx: Ctx, url: string): Promise<void> {
  const refused = await checkOutboundUrl(url, ctx.config.outboundAllowHosts);
  if (!refused) return;
  throw new DomainError('outbound-url-refused', refused.detail, {
    errors: [{ path: 'json.url', code: refused.reason, message: refused.detail }],
  });
}
