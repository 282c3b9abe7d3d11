import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type AppEnv, createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { User } from '../http/schemas.ts';
import { login, logout, SESSION_COOKIE } from '../services/auth/sessions.ts';
import { normalizeEmail } from '../services/auth/sign-in-throttle.ts';
import type { AuthUser } from '../services/core/context.ts';

const userOut = (u: AuthUser) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  locale: u.locale,
  workspaceId: u.workspaceId,
  teamIds: u.teamIds,
});

/** Something@something.tld, after normalisation: enough to refuse what cannot be an account. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const secure = (c: Context<AppEnv>) => c.get('https');

export function authRoutes() {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in with email and password; sets the session cookie',
      request: jsonBody(
        z.object({
          email: z
            .string()
            .min(3)
            .max(320)
            .refine((s) => EMAIL.test(normalizeEmail(s)), 'expected an e-mail address'),
          password: z.string().min(1).max(200),
        }),
      ),
      responses: {
        200: ok(z.object({ user: User })),
        401: errorResponses[401],
        422: errorResponses[422],
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { info, cookie, expiresAt } = await login(c.get('deps'), input, c.get('ip'));
      // session rotation: a session id presented before sign-in never survives it (fixation)
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous) await logout(c.get('deps'), previous);
      setCookie(c, SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: secure(c),
        expires: new Date(expiresAt),
      });
      return c.json({ user: userOut(info.user) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      tags: ['auth'],
      summary: 'End this session',
      responses: { 200: ok(z.object({ ok: z.literal(true) })) },
    }),
    async (c) => {
      await logout(c.get('deps'), getCookie(c, SESSION_COOKIE), { ip: c.get('ip') });
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
      return c.json({ ok: true as const }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      operationId: 'me',
      tags: ['auth'],
      summary: 'The signed-in user',
      responses: { 200: ok(z.object({ user: User })), 401: errorResponses[401] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      return c.json({ user: userOut(ctx.user) }, 200);
    },
  );

  return r;
}
