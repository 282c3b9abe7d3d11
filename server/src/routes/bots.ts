/**
 * Chat channels (企业微信 / 钉钉 / 飞书 group robots) and notification rules, under
 * /api/admin; admins, and managers for their teams' channels and rules. Also the signed
 * record links the robots' buttons open (`/l/<token>`, outside /api).
 */
import { z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { type AppEnv, createRouter, jsonBody, ok } from '../http/context.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { createChannel } from '../services/bots/create-channel.ts';
import { deleteChannel } from '../services/bots/delete-channel.ts';
import { listChannels } from '../services/bots/list-channels.ts';
import { listNotificationRules } from '../services/bots/list-notification-rules.ts';
import { testChannel } from '../services/bots/test-channel.ts';
import { updateChannel } from '../services/bots/update-channel.ts';
import { updateNotificationRules } from '../services/bots/update-notification-rules.ts';
import type { Deps } from '../services/core/context.ts';
import { verifyLink, workspaceOfLink } from '../services/delivery/bots/links.ts';
import { RULE_EVENTS } from '../services/delivery/bots/templates.ts';

const verbRoute = verbRoutes(['admin']);
const KIND = z.enum(['wecom', 'dingtalk', 'feishu']);
const Id = z.string().min(1).max(64);

const ChatChannel = z
  .object({
    id: z.string(),
    kind: KIND,
    name: z.string(),
    url: z.string().openapi({ description: 'The webhook URL with its key masked' }),
    hasSecret: z.boolean(),
    keyword: z.string().nullable(),
    teamId: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAt: z.number().nullable(),
    waiting: z.number().int().openapi({ description: 'Notes waiting for the channel' }),
    lastDeliveredAt: z.number().nullable(),
    createdAt: z.number(),
  })
  .openapi('ChatChannel', {
    description: 'A group robot; its secret is never answered. Times in epoch ms.',
  });

const NotificationRule = z
  .object({
    id: z.string(),
    event: z.enum(RULE_EVENTS),
    target: z.enum(['channel', 'webhook', 'in-app']),
    channelId: z.string().nullable(),
    webhookId: z.string().nullable(),
    teamId: z.string().nullable(),
    sopId: z.string().nullable(),
    mentionOwner: z.boolean(),
    mentionManager: z.boolean(),
    locale: z.enum(['zh-CN', 'en']),
    enabled: z.boolean(),
  })
  .openapi('NotificationRule');

const RuleInput = NotificationRule.omit({ id: true }).extend({
  channelId: Id.nullable(),
  webhookId: Id.nullable(),
  teamId: Id.nullable(),
  sopId: z.string().min(1).max(100).nullable(),
});

const Url = z.string().trim().min(8).max(2000);
const Secret = z.string().trim().max(200);
const Keyword = z.string().trim().max(50);

export function botRoutes() {
  const r = createRouter();
  verbRoute(r, {
    method: 'post',
    path: '/admin/channels',
    operationId: 'createChannel',
    summary: 'Add a group robot by pasting its webhook URL (and secret, keyword)',
    request: jsonBody(
      z.object({
        kind: KIND,
        name: z.string().trim().min(1).max(100),
        url: Url,
        secret: Secret.nullable().optional(),
        keyword: Keyword.nullable().optional(),
        teamId: Id.nullable().optional(),
      }),
    ),
    responses: { 201: ok(ChatChannel, 'Created') },
    verb: createChannel,
    input: (c) => c.req.valid('json'),
  });
  verbRoute(r, {
    method: 'get',
    path: '/admin/channels',
    operationId: 'listChannels',
    summary: "The workspace's group robots (managers: their teams')",
    responses: { 200: ok(z.object({ items: z.array(ChatChannel) })) },
    verb: listChannels,
    input: () => ({}),
  });
  verbRoute(r, {
    method: 'patch',
    path: '/admin/channels/{channelId}',
    operationId: 'updateChannel',
    summary: 'Change a group robot; enabling it clears a disable by delivery',
    request: {
      params: z.object({ channelId: Id }),
      ...jsonBody(
        z.object({
          name: z.string().trim().min(1).max(100).optional(),
          url: Url.optional(),
          secret: Secret.nullable().optional(),
          keyword: Keyword.nullable().optional(),
          enabled: z.boolean().optional(),
        }),
      ),
    },
    responses: { 200: ok(ChatChannel) },
    verb: updateChannel,
    input: (c) => ({ ...c.req.valid('json'), channelId: c.req.valid('param').channelId }),
  });
  verbRoute(r, {
    method: 'delete',
    path: '/admin/channels/{channelId}',
    operationId: 'deleteChannel',
    summary: 'Remove a group robot, its waiting notes and the rules naming it',
    request: { params: z.object({ channelId: Id }) },
    responses: { 200: ok(z.object({ deleted: z.literal(true) })) },
    verb: deleteChannel,
    input: (c) => c.req.valid('param'),
  });
  verbRoute(r, {
    method: 'post',
    path: '/admin/channels/{channelId}/test',
    operationId: 'testChannel',
    summary: "Send a test message now and answer the platform's result",
    request: { params: z.object({ channelId: Id }) },
    responses: {
      200: ok(
        z
          .object({
            outcome: z.enum(['delivered', 'retry', 'permanent', 'unreachable']),
            status: z.number().int().nullable(),
            excerpt: z.string(),
            reason: z.string().nullable(),
          })
          .openapi('ChannelTestResult'),
      ),
    },
    verb: testChannel,
    input: (c) => c.req.valid('param'),
  });
  verbRoute(r, {
    method: 'get',
    path: '/admin/notification-rules',
    operationId: 'listNotificationRules',
    summary: 'Which events go where (managers: their teams’ rules)',
    responses: { 200: ok(z.object({ items: z.array(NotificationRule) })) },
    verb: listNotificationRules,
    input: () => ({}),
  });
  verbRoute(r, {
    method: 'put',
    path: '/admin/notification-rules',
    operationId: 'updateNotificationRules',
    summary: 'Replace the rules the caller manages',
    request: jsonBody(z.object({ rules: z.array(RuleInput).max(200) })),
    responses: { 200: ok(z.object({ items: z.array(NotificationRule) })) },
    verb: updateNotificationRules,
    input: (c) => c.req.valid('json'),
  });
  return r;
}

/**
 * `/l/<token>`: a valid, unexpired link redirects to the record's (or customer's) page (the app signs the
 * visitor in first when needed, then returns there); anything else answers a small page.
 */
export function linkRoutes(deps: Deps) {
  const r = new Hono<AppEnv>();
  r.get('/l/:token', async (c) => {
    const token = c.req.param('token');
    const ws = workspaceOfLink(token);
    const key = ws
      ? (
          await deps.db.query(
            `select secret from link_keys where workspace_id = $1 and id = 'links'`,
            [ws],
          )
        )[0]?.secret
      : undefined;
    const v = typeof key === 'string' ? verifyLink(token, key, deps.clock.now()) : null;
    if (!v?.ok) {
      const expired = v?.reason === 'expired';
      const text = expired
        ? '链接已过期，请在 Closeloop 中打开记录。 / This link has expired; open the record in Closeloop.'
        : '链接无效。 / This link is not valid.';
      return c.html(
        `<!doctype html><html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Closeloop</title><body style="font-family:system-ui;margin:2rem"><p>${text}</p><p><a href="/">Closeloop</a></p></body></html>`,
        expired ? 410 : 404,
      );
    }
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    const page = v.claims.opens === 'customer' ? 'customers' : 'records';
    return c.redirect(`/${page}/${encodeURIComponent(v.claims.recordId)}`, 302);
  });
  return r;
}
