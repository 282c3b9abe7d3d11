import { createRoute, z } from '@hono/zod-openapi';
import { getCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { boolQuery, directoryUserShape, NextAction, Notification } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import type { LivePayload } from '../live.ts';
import { parseSessionCookie, SESSION_COOKIE } from '../services/auth/sessions.ts';
import type { Scheduler } from '../services/commands/scheduler.ts';
import { canSeeRecord, recordScope } from '../services/core/access.ts';
import { Invalid } from '../services/core/errors.ts';
import { listTeams, listUsers } from '../services/people/directory.ts';
import { listNextActions } from '../services/records/list-next-actions.ts';
import { listNotifications, markNotificationRead } from '../services/records/notifications.ts';
import type { Router } from './router.ts';

const verbRoute = verbRoutes(['work']);

/** SSE frames made from one live payload, once for all the streams it goes to. */
const frames = new WeakMap<LivePayload, Map<string, string>>();

/** The frame writeSSE would write for `event` and `data()` (one line of JSON), made once per payload and key. */
function frameOf(p: LivePayload, key: string, event: string, data: () => unknown): string {
  let made = frames.get(p);
  if (!made) {
    made = new Map();
    frames.set(p, made);
  }
  let frame = made.get(key);
  if (frame === undefined) {
    frame = `event: ${event}\ndata: ${JSON.stringify(data())}\n\n`;
    made.set(key, frame);
  }
  return frame;
}

export function miscRoutes(scheduler: Scheduler, testClock: boolean, closing: AbortSignal) {
  const r = createRouter();
  registerInbox(r);
  registerDirectory(r);
  registerStream(r, closing);
  if (testClock) registerTestClock(r, scheduler);
  return r;
}

/** The caller's next actions and notifications. */
function registerInbox(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/next-actions',
    operationId: 'listNextActions',
    summary:
      "The caller's open records by urgency, each with the actions open now and what each still needs",
    request: {
      query: z.object({
        sopId: z.string().max(100).optional(),
        stage: z.string().max(500).optional(),
        overdue: boolQuery.optional(),
        q: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }),
    },
    responses: { 200: ok(z.object({ items: z.array(NextAction) })) },
    verb: listNextActions,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/notifications',
    operationId: 'listNotifications',
    summary: "The caller's notifications, newest first",
    request: {
      query: z.object({
        unread: boolQuery.optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }),
    },
    responses: {
      200: ok(z.object({ items: z.array(Notification), unread: z.number() })),
    },
    verb: listNotifications,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/notifications/{id}/read',
    operationId: 'markNotificationRead',
    summary: 'Mark a notification read',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(200)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: { 200: ok(z.object({ id: z.string(), readAt: z.number() })) },
    verb: markNotificationRead,
    input: (c) => c.req.valid('param'),
  });
}

/** The people and teams the caller may see. */
function registerDirectory(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    tags: ['directory'],
    summary: 'People in the workspace (for pickers)',
    responses: {
      200: ok(
        z.object({
          items: z.array(z.object(directoryUserShape)),
        }),
      ),
    },
    verb: listUsers,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'get',
    path: '/teams',
    operationId: 'listTeams',
    tags: ['directory'],
    summary: 'Teams in the workspace with managers and members',
    responses: {
      200: ok(
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              managerIds: z.array(z.string()),
              memberIds: z.array(z.string()),
            }),
          ),
        }),
      ),
    },
    verb: listTeams,
    input: () => ({}),
  });
}

/** The live stream of record changes (SSE). */
function registerStream(r: Router, closing: AbortSignal) {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/stream',
      operationId: 'stream',
      tags: ['work'],
      summary:
        'Server-sent events: record.changed, next-action, notification, import.progress (fed by LISTEN/NOTIFY across processes)',
      responses: {
        200: {
          description: 'text/event-stream',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        401: errorResponses[401],
      },
    }),
    (c) => {
      const ctx = ctxOf(c);
      const me = ctx.user;
      // a token is its own session; a cookie's session is its id
      const session = me.token
        ? me.id
        : (parseSessionCookie(getCookie(c, SESSION_COOKIE))?.sid ?? me.id);
      return streamSSE(c, async (stream) => {
        const release = ctx.live.openStream(session, () => {
          stream.abort();
          void stream.close();
        });
        const send = (event: string, data: unknown) => {
          stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => {});
        };
        const write = (frame: string) => {
          stream.write(frame).catch(() => {});
        };
        // handed only the changes that name this user or a team it may see (or all, admin)
        const scope = recordScope(me);
        const interest = {
          ws: me.workspaceId,
          all: scope.all,
          users: [me.id],
          teams: scope.teams,
        };
        const off = ctx.live.subscribe((p) => {
          if (p.ws !== me.workspaceId) return;
          const now = { ownerId: p.o, teamId: p.t };
          const before = { ownerId: p.po, teamId: p.pt };
          if (canSeeRecord(me, now) || canSeeRecord(me, before)) {
            write(
              frameOf(p, 'changed', 'record.changed', () => ({
                recordId: p.r,
                version: p.v,
                ownerId: p.o,
                teamId: p.t,
              })),
            );
          }
          if (p.o === me.id || p.po === me.id) {
            const mine = p.o === me.id;
            write(
              frameOf(p, mine ? 'next:mine' : 'next', 'next-action', () => ({
                recordId: p.r,
                version: p.v,
                mine,
              })),
            );
          }
          for (const [userId, id] of p.n) {
            if (userId === me.id) send('notification', { id, recordId: p.r });
          }
        }, interest);
        // an import's progress goes to whoever started it and to managers and admins
        const offImports = ctx.live.subscribeImports((p) => {
          if (p.ws !== me.workspaceId || me.token) return;
          if (p.by === me.id || me.role === 'admin' || me.role === 'manager') {
            send('import.progress', p);
          }
        });
        stream.onAbort(() => {
          off();
          offImports();
          release();
        });
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ userId: me.id }) });
        // a draining process ends its streams; EventSource reconnects through the balancer
        const closed = new Promise<void>((resolve) => {
          if (closing.aborted) resolve();
          closing.addEventListener('abort', () => resolve(), { once: true });
        });
        while (!stream.aborted && !closing.aborted) {
          await Promise.race([stream.sleep(15_000), closed]);
          if (!stream.aborted && !closing.aborted) await stream.write(': ping\n\n');
        }
        off();
        offImports();
        release();
      });
    },
  );
}

/** The test clock (only when the server runs with one). */
function registerTestClock(r: Router, scheduler: Scheduler) {
  r.openapi(
    createRoute({
      method: 'post',
      path: '/test-clock',
      operationId: 'advanceTestClock',
      tags: ['system'],
      summary:
        "Test clock (only when TEST_CLOCK is on): advance the workspace's time, then fire every timer now due",
      request: jsonBody(
        z.object({
          advanceMs: z
            .number()
            .int()
            .min(0)
            .max(10 * 365 * 24 * 3600 * 1000),
        }),
      ),
      responses: { 200: ok(z.object({ now: z.number(), fired: z.number() })), ...errorResponses },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { advanceMs } = c.req.valid('json');
      const rows = await ctx.db.query(
        `update workspaces set clock_offset_ms = clock_offset_ms + $2 where id = $1
         returning clock_offset_ms::float8 as offset`,
        [ctx.user.workspaceId, advanceMs],
      );
      const offset = Number(rows[0]?.offset);
      if (!Number.isFinite(offset)) throw new Invalid('invalid-input', 'no workspace');
      const fired = await scheduler.runUntilIdle(ctx.user.workspaceId);
      return c.json({ now: ctx.clock.now() + offset, fired }, 200);
    },
  );
}
