/**
 * Webhook endpoints and their delivery log, under /api/admin/webhooks; admin only.
 * Delivery itself runs in every process (services/delivery/worker.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { createWebhookEndpoint } from '../services/webhooks/create-webhook-endpoint.ts';
import { deleteWebhookEndpoint } from '../services/webhooks/delete-webhook-endpoint.ts';
import { WEBHOOK_EVENT_TYPES } from '../services/webhooks/endpoints.ts';
import { listWebhookDeliveries } from '../services/webhooks/list-webhook-deliveries.ts';
import { listWebhookEndpoints } from '../services/webhooks/list-webhook-endpoints.ts';
import { replayWebhookDeliveries } from '../services/webhooks/replay-webhook-deliveries.ts';
import { resendWebhookDelivery } from '../services/webhooks/resend-webhook-delivery.ts';
import { rotateWebhookSecret } from '../services/webhooks/rotate-webhook-secret.ts';
import { sendTestWebhook } from '../services/webhooks/send-test-webhook.ts';
import { updateWebhookEndpoint } from '../services/webhooks/update-webhook-endpoint.ts';
import type { Router } from './router.ts';

const tags = ['webhooks'];
const verbRoute = verbRoutes(tags);
const Ms = z.number().int().min(0).max(8_640_000_000_000_000);

const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).openapi({ description: 'Empty: every event type' }),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAt: z.number().nullable(),
    failingSince: z.number().nullable(),
    previousSecretValidUntil: z.number().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('WebhookEndpoint', {
    description: 'A webhook endpoint without its secret; times in epoch ms.',
  });

const WebhookDelivery = z
  .object({
    id: z.string(),
    messageId: z
      .string()
      .openapi({ description: 'The `webhook-id` header, the same on every retry' }),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'held']),
    attempts: z.number().int(),
    createdAt: z.number(),
    nextAttemptAt: z.number().nullable(),
    deliveredAt: z.number().nullable(),
    lastError: z.string().nullable(),
    lastAttempt: z
      .object({
        at: z.number(),
        request: z.string(),
        responseStatus: z.number().int().nullable(),
        responseExcerpt: z.string(),
        durationMs: z.number().int(),
        outcome: z.string(),
        error: z.string().nullable(),
      })
      .nullable(),
  })
  .openapi('WebhookDelivery');

const Url = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'http or https');
const EventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .openapi({ description: 'Event types to send; empty or absent: every event type' });
const EndpointParam = z.object({ endpointId: z.string().min(1).max(64) });
const Secret = z.string().openapi({
  description: '`whsec_<base64>`, shown only in this answer; the HMAC key is the decoded base64',
});

export function webhookRoutes() {
  const r = createRouter();
  registerEndpoints(r);
  registerEndpointDeliveries(r);
  return r;
}

/** Webhook endpoints: create, list, edit, rotate the secret, delete. */
function registerEndpoints(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/admin/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Register a webhook endpoint (admin); the signing secret is in this answer only',
    request: jsonBody(
      z.object({
        url: Url,
        description: z.string().trim().max(500).optional(),
        eventTypes: EventTypes.optional(),
        enabled: z.boolean().optional(),
      }),
    ),
    responses: {
      201: ok(z.object({ endpoint: WebhookEndpoint, secret: Secret }), 'Created'),
    },
    verb: createWebhookEndpoint,
    input: (c) => c.req.valid('json'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/admin/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: "The workspace's webhook endpoints (admin)",
    responses: { 200: ok(z.object({ items: z.array(WebhookEndpoint) })) },
    verb: listWebhookEndpoints,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'patch',
    path: '/admin/webhooks/{endpointId}',
    operationId: 'updateWebhookEndpoint',
    summary:
      'Change an endpoint (admin); `enabled: true` also lifts a disable by delivery (held messages wait for a replay)',
    request: {
      params: EndpointParam,
      ...jsonBody(
        z.object({
          url: Url.optional(),
          description: z.string().trim().max(500).optional(),
          eventTypes: EventTypes.optional(),
          enabled: z.boolean().optional(),
        }),
      ),
    },
    responses: { 200: ok(WebhookEndpoint) },
    verb: updateWebhookEndpoint,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/admin/webhooks/{endpointId}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary:
      'A new signing secret (admin), in this answer only; the previous one also signs for 24 hours',
    request: { params: EndpointParam },
    responses: {
      200: ok(z.object({ endpoint: WebhookEndpoint, secret: Secret })),
    },
    verb: rotateWebhookSecret,
    input: (c) => c.req.valid('param'),
  });

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'deleteWebhookEndpoint',
      tags,
      summary: 'Delete an endpoint with its deliveries and log (admin)',
      request: { params: EndpointParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteWebhookEndpoint({ ctx: ctxOf(c), input: c.req.valid('param') });
      return c.body(null, 204);
    },
  );
}

/** An endpoint's deliveries: list, resend, replay, send a test. */
function registerEndpointDeliveries(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/admin/webhooks/{endpointId}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: "The endpoint's delivery log, newest first, keyset paginated (admin)",
    request: {
      params: EndpointParam,
      query: z.object({
        status: z.enum(['pending', 'delivered', 'failed', 'held']).optional(),
        cursor: z.string().max(500).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }),
    },
    responses: {
      200: ok(z.object({ items: z.array(WebhookDelivery), nextCursor: z.string().nullable() })),
    },
    verb: listWebhookDeliveries,
    input: (c) => ({ ...c.req.valid('query'), ...c.req.valid('param') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/admin/webhooks/{endpointId}/deliveries/{deliveryId}/resend',
    operationId: 'resendWebhookDelivery',
    summary: 'Send one message again now, with the same webhook-id (admin)',
    request: {
      params: EndpointParam.extend({ deliveryId: z.string().min(1).max(64) }),
    },
    responses: {
      202: ok(z.object({ id: z.string(), status: z.literal('pending') }), 'Queued'),
    },
    verb: resendWebhookDelivery,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/admin/webhooks/{endpointId}/replay',
    operationId: 'replayWebhookDeliveries',
    summary: 'Send again every message that failed or was held since a time (admin)',
    request: { params: EndpointParam, ...jsonBody(z.object({ since: Ms })) },
    responses: { 202: ok(z.object({ queued: z.number().int() }), 'Queued') },
    verb: replayWebhookDeliveries,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/admin/webhooks/{endpointId}/test',
    operationId: 'sendTestWebhook',
    summary: 'Queue a `webhook.test` event to the endpoint (admin); see the delivery log',
    request: { params: EndpointParam },
    responses: {
      202: ok(z.object({ deliveryId: z.string(), messageId: z.string() }), 'Queued'),
    },
    verb: sendTestWebhook,
    input: (c) => c.req.valid('param'),
  });
}
