import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ok } from '../http/context.ts';
import type { Health, Lifecycle } from '../services/core/health.ts';

const HealthBody = z.object({
  ok: z.boolean().openapi({ description: 'Same as `ready` (kept for older checks)' }),
  db: z.string().openapi({ description: 'pglite or postgres' }),
  live: z.boolean(),
  ready: z.boolean().openapi({
    description: 'Database reachable, migrations applied, not draining: send traffic here',
  }),
  databaseReachable: z.boolean(),
  migrations: z.object({ applied: z.number(), expected: z.number(), ready: z.boolean() }),
  draining: z.boolean().openapi({ description: 'Shutting down: finishing in-flight commands' }),
});

export function healthRoutes(health: () => Promise<Health>, lifecycle: Lifecycle) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      operationId: 'health',
      tags: ['system'],
      summary: 'Readiness for a load balancer: database, migrations, draining',
      responses: {
        200: ok(HealthBody),
        503: ok(HealthBody, 'Not ready: database unreachable, migrations pending or draining'),
      },
    }),
    async (c) => {
      const h = await health();
      return c.json(h, h.ready ? 200 : 503);
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/health/live',
      operationId: 'liveness',
      tags: ['system'],
      summary: 'Liveness: the process answers (no database call); restart it when this fails',
      responses: { 200: ok(z.object({ live: z.boolean(), draining: z.boolean() })) },
    }),
    (c) => c.json({ live: true, draining: lifecycle.draining }, 200),
  );
  return r;
}
