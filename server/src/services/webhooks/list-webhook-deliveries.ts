import type { Row } from '../../db/client.ts';
import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import { loadEndpoint } from './endpoints.ts';

/** One message to the endpoint with its latest exchange. */
export type WebhookDelivery = {
  id: string;
  messageId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed' | 'held';
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  lastError: string | null;
  /** The latest exchange: request excerpt, response status and body excerpt, duration. */
  lastAttempt: {
    at: number;
    request: string;
    responseStatus: number | null;
    responseExcerpt: string;
    durationMs: number;
    outcome: string;
    error: string | null;
  } | null;
};

const ms = (v: unknown): number | null =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : null;

const STATUSES = new Set(['pending', 'delivered', 'failed', 'held']);

function deliveryOf(r: Row): WebhookDelivery {
  const status = String(r.status);
  return {
    id: String(r.id),
    messageId: String(r.message_id),
    eventType: String(r.event_type),
    status: STATUSES.has(status) ? (status as WebhookDelivery['status']) : 'pending',
    attempts: Number(r.attempts),
    createdAt: ms(r.created_at) ?? 0,
    nextAttemptAt: r.status === 'pending' ? ms(r.next_attempt_at) : null,
    deliveredAt: ms(r.delivered_at),
    lastError: typeof r.last_error === 'string' ? r.last_error : null,
    lastAttempt:
      r.a_at === null || r.a_at === undefined
        ? null
        : {
            at: ms(r.a_at) ?? 0,
            request: String(r.a_request ?? ''),
            responseStatus: r.a_status === null ? null : Number(r.a_status),
            responseExcerpt: String(r.a_excerpt ?? ''),
            durationMs: Number(r.a_duration),
            outcome: String(r.a_outcome),
            error: typeof r.a_error === 'string' ? r.a_error : null,
          },
  };
}

/** `createdAt ms` and id of the last row of a page, opaque to clients. */
const cursorOf = (d: WebhookDelivery) =>
  Buffer.from(`${d.createdAt}|${d.id}`).toString('base64url');

function parseCursor(c: string): { at: number; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString().split('|');
  if (!at || !id || !/^\d+$/.test(at))
    throw new Invalid('invalid-input', 'bad cursor', {
      errors: [{ path: 'query.cursor', message: 'not a cursor from this list' }],
    });
  return { at: Number(at), id };
}

/** The endpoint's delivery log, newest first, keyset paginated (admin). */
export const listWebhookDeliveries: Verb<
  { endpointId: string; cursor?: string; limit?: number; status?: WebhookDelivery['status'] },
  { items: WebhookDelivery[]; nextCursor: string | null }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  await loadEndpoint(ctx, input.endpointId);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const after = input.cursor ? parseCursor(input.cursor) : null;
  const params: unknown[] = [ctx.user.workspaceId, input.endpointId, limit + 1];
  let where = '';
  if (after) {
    params.push(after.at, after.id);
    where += ` and (d.created_at, d.id) < (to_timestamp($4::float8 / 1000), $5)`;
  }
  if (input.status) {
    params.push(input.status);
    where += ` and d.status = $${params.length}`;
  }
  const rows = await ctx.db.query(
    `select d.id, d.message_id, d.event_type, d.status, d.attempts, d.created_at,
            d.next_attempt_at, d.delivered_at, d.last_error,
            a.started_at as a_at, a.request as a_request, a.response_status as a_status,
            a.response_excerpt as a_excerpt, a.duration_ms as a_duration, a.outcome as a_outcome,
            a.error as a_error
       from deliveries d
       left join lateral (
         select * from delivery_attempts x
          where x.workspace_id = d.workspace_id and x.delivery_id = d.id
            and x.target_kind = d.target_kind and x.target_id = d.target_id
          order by x.started_at desc, x.id desc limit 1) a on true
      where d.workspace_id = $1 and d.target_kind = 'webhook' and d.target_id = $2 ${where}
      order by d.created_at desc, d.id desc limit $3`,
    params,
  );
  const items = rows.slice(0, limit).map(deliveryOf);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
};
