import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { ENDPOINT_COLUMNS, endpointOf, type WebhookEndpoint } from './endpoints.ts';

/** The workspace's webhook endpoints, oldest first (admin). */
export const listWebhookEndpoints: Verb<
  Record<string, never>,
  { items: WebhookEndpoint[] }
> = async ({ ctx }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  const rows = await ctx.db.query(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where workspace_id = $1
      order by created_at, id`,
    [ctx.user.workspaceId],
  );
  return { items: rows.map(endpointOf) };
};
