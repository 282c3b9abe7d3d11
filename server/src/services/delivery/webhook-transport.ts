/**
 * The `webhook` target kind: Standard Webhooks to an admin's endpoint. The body is
 * `{ type, timestamp, data }` (timestamp in ISO 8601), signed by the current secret and, for
 * 24 hours after a rotation, by the previous one too.
 */
import { signedHeaders } from './signing.ts';
import {
  BODY_EXCERPT_BYTES,
  type Outcome,
  retryAfterMs,
  type TargetState,
  type Transport,
} from './transport.ts';

export type WebhookTarget = {
  url: string;
  secrets: string[];
};

const ms = (v: unknown): number | null =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : null;

export const webhookTransport: Transport<WebhookTarget> = {
  kind: 'webhook',
  async load(q, workspaceId, targetId) {
    const rows = await q(
      `select url, secret, previous_secret, previous_valid_until > now() as previous_valid,
              enabled and disabled_at is null as live
         from webhook_endpoints where workspace_id = $1 and id = $2`,
      [workspaceId, targetId],
    );
    const r = rows[0];
    if (!r) return null;
    const secrets = [String(r.secret)];
    if (r.previous_valid === true && typeof r.previous_secret === 'string')
      secrets.push(r.previous_secret);
    const state: TargetState<WebhookTarget> = {
      config: { url: String(r.url), secrets },
      enabled: r.live === true,
      label: hostOf(String(r.url)),
    };
    return state;
  },
  build(target, message, now) {
    const body = JSON.stringify({
      type: message.type,
      timestamp: new Date(message.timestamp).toISOString(),
      data: message.data,
    });
    return {
      url: target.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Closeloop-Webhooks/1',
        ...signedHeaders(target.secrets, message.id, Math.floor(now / 1000), body),
      },
      body,
    };
  },
  classify(res, now): Outcome {
    const excerpt = res.body.slice(0, BODY_EXCERPT_BYTES);
    if (res.status >= 200 && res.status < 300)
      return { kind: 'delivered', status: res.status, excerpt };
    if (res.status === 410)
      return { kind: 'permanent', status: 410, excerpt, reason: 'gone (410)' };
    if (res.status === 429 || res.status === 503)
      return {
        kind: 'retry',
        status: res.status,
        excerpt,
        retryAfterMs: retryAfterMs(res.headers, now),
      };
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location') ?? '';
      return {
        kind: 'retry',
        status: res.status,
        excerpt: `redirect not followed: ${to}`.slice(0, 300),
      };
    }
    return { kind: 'retry', status: res.status, excerpt };
  },
  async health(q, workspaceId, targetId, ok, offsetMs) {
    // touch the row only when the failing run starts or ends: concurrent deliveries to one
    // endpoint must not queue on its row lock
    if (ok) {
      await q(
        `update webhook_endpoints set failing_since = null
          where workspace_id = $1 and id = $2 and failing_since is not null`,
        [workspaceId, targetId],
      );
      return null;
    }
    await q(
      `update webhook_endpoints
          set failing_since = now() + ($3::float8 * interval '1 millisecond')
        where workspace_id = $1 and id = $2 and failing_since is null`,
      [workspaceId, targetId, offsetMs],
    );
    const rows = await q(
      `select failing_since from webhook_endpoints where workspace_id = $1 and id = $2`,
      [workspaceId, targetId],
    );
    return ms(rows[0]?.failing_since);
  },
  async disable(q, workspaceId, targetId, reason) {
    const rows = await q(
      `update webhook_endpoints set disabled_at = now(), disabled_reason = $3, updated_at = now()
        where workspace_id = $1 and id = $2 and disabled_at is null
        returning url`,
      [workspaceId, targetId, reason.slice(0, 200)],
    );
    const ep = rows[0];
    if (!ep) return false;
    const host = hostOf(String(ep.url));
    const message = {
      'zh-CN': `Webhook ${host} 已停用：${reason}。修复后请在“管理 → Webhooks”重新启用并重放消息。`,
      en: `Webhook ${host} was disabled: ${reason}. Fix it, re-enable it under Admin → Webhooks and replay its messages.`,
    };
    await q(
      `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
       select u.workspace_id, gen_random_uuid()::text, u.id, null, 'delivery.disabled', $2::jsonb, now()
         from users u where u.workspace_id = $1 and u.role = 'admin' and u.active`,
      [workspaceId, JSON.stringify(message)],
    );
    return true;
  },
};

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 60);
  }
}
