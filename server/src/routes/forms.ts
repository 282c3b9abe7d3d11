import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { type AppEnv, createRouter, errorResponses, jsonBody, ok } from '../http/context.ts';
import { clientIp } from '../http/middleware/proxy.ts';
import { localeOf } from '../http/problem.ts';
import { LocalizedText } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import type { Deps } from '../services/core/context.ts';
import { DomainError } from '../services/core/errors.ts';
import {
  type Lang,
  renderForm,
  renderMissing,
  renderThanks,
} from '../services/intake/forms/form-page.ts';
import { createForm, listForms, publicForm, updateForm } from '../services/intake/forms/forms.ts';
import { submitForm } from '../services/intake/forms/submit-form.ts';

const tags = ['intake'];
const verbRoute = verbRoutes(tags);
const FormField = z.object({
  field: z.string().min(1).max(64),
  label: LocalizedText,
  required: z.boolean(),
});
const FormBody = z.object({
  sopId: z.string().min(1).max(100),
  title: LocalizedText,
  fields: z.array(FormField).min(1).max(30),
  source: z.string().trim().min(1).max(200),
  ownerId: z.string().min(1).max(200).nullable().optional(),
  duplicatePolicy: z.enum(['skip', 'create']).optional(),
  thankYou: LocalizedText,
  active: z.boolean().optional(),
});
const Form = FormBody.extend({
  id: z.string(),
  key: z.string().openapi({ description: 'public key: the hosted page is /f/{key}' }),
  ownerId: z.string().nullable(),
  duplicatePolicy: z.enum(['skip', 'create']),
  active: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
}).openapi('Form');
const Meta = z.object({
  utm: z.record(z.string().max(40), z.string().max(300)).default({}),
  referrer: z.string().max(2000).optional(),
  landing: z.string().max(2000).optional(),
});

export function formRoutes() {
  const r = createRouter();
  verbRoute(r, {
    method: 'post',
    path: '/forms',
    operationId: 'createForm',
    summary:
      'Build a hosted lead form (fields mapped to SOP fields, target SOP, owner, duplicate policy, thank-you text)',
    request: jsonBody(FormBody),
    responses: { 201: ok(Form, 'Created') },
    verb: createForm,
    input: (c) => c.req.valid('json'),
  });
  verbRoute(r, {
    method: 'get',
    path: '/forms',
    operationId: 'listForms',
    summary: 'Lead forms of the workspace',
    responses: { 200: ok(z.object({ items: z.array(Form) })) },
    verb: listForms,
    input: () => ({}),
  });
  verbRoute(r, {
    method: 'patch',
    path: '/forms/{formId}',
    operationId: 'updateForm',
    summary: 'Change a lead form (or switch it off with active: false)',
    request: {
      params: z.object({ formId: z.string().min(1).max(100) }),
      ...jsonBody(FormBody.partial()),
    },
    responses: { 200: ok(Form) },
    verb: updateForm,
    input: (c) => ({ ...c.req.valid('param'), ...c.req.valid('json') }),
  });
  r.openapi(
    createRoute({
      method: 'post',
      path: '/public/forms/{formKey}/submissions',
      operationId: 'submitForm',
      tags,
      security: [],
      summary:
        'Public form submission (no session): honeypot `website`, minimum fill time, per-IP and per-form rate limits, mainland mobile check; suspicious submissions are held for review',
      request: {
        params: z.object({ formKey: z.string().min(1).max(40) }),
        ...jsonBody(
          z.object({
            values: z.record(z.string().max(64), z.string().max(2000)),
            website: z.string().max(500).optional(),
            startedAt: z.number().optional(),
            meta: Meta.default({ utm: {} }),
          }),
        ),
      },
      responses: {
        200: ok(
          z.object({ status: z.enum(['accepted', 'duplicate', 'held']), thankYou: LocalizedText }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const out = await submitForm(c.get('deps'), {
        key: c.req.valid('param').formKey,
        values: body.values,
        ...(body.website !== undefined ? { honeypot: body.website } : {}),
        ...(body.startedAt !== undefined ? { startedAt: body.startedAt } : {}),
        meta: body.meta,
        ip: c.get('ip'),
        locale: localeOf(c),
      });
      return c.json(out, 200);
    },
  );
  return r;
}

const langOf = (q: string | undefined, accept: string | undefined): Lang =>
  q === 'en' || q === 'zh-CN'
    ? q
    : accept && !/^zh/i.test(accept) && /^en/i.test(accept)
      ? 'en'
      : 'zh-CN';

/** The hosted page /f/:key (GET shows it, POST submits it); framable so sites can embed it. */
export function formPageRoutes(deps: Deps) {
  const r = new Hono<AppEnv>();
  r.get('/f/:key', async (c) => {
    const lang = langOf(c.req.query('lang'), c.req.header('accept-language'));
    const form = await publicForm(deps.db, c.req.param('key'));
    if (!form) return c.html(renderMissing(lang), 404);
    const sop = await loadDefs(deps, form.workspaceId, form.sopId);
    const utm = Object.fromEntries(
      Object.entries(c.req.query())
        .filter(([k]) => k.startsWith('utm_'))
        .map(([k, v]) => [k, v.slice(0, 300)]),
    );
    return c.html(
      renderForm(form, sop, {
        lang,
        action: `/f/${form.key}`,
        shownAt: deps.clock.now(),
        hidden: { ...utm, _ref: c.req.header('referer') ?? '', _landing: c.req.url },
      }),
    );
  });
  r.post('/f/:key', async (c) => {
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? String(body[k]) : '');
    const lang = langOf(str('lang'), c.req.header('accept-language'));
    const form = await publicForm(deps.db, c.req.param('key'));
    if (!form) return c.html(renderMissing(lang), 404);
    const values: Record<string, string> = {};
    const utm: Record<string, string> = {};
    for (const k of Object.keys(body)) {
      if (k.startsWith('f.')) values[k.slice(2)] = str(k).slice(0, 2000);
      if (k.startsWith('utm_')) utm[k] = str(k).slice(0, 300);
    }
    const startedAt = Number(str('_t'));
    try {
      await submitForm(deps, {
        key: form.key,
        values,
        honeypot: str('website'),
        ...(Number.isFinite(startedAt) && startedAt > 0 ? { startedAt } : {}),
        meta: {
          utm,
          referrer: str('_ref').slice(0, 2000),
          landing: str('_landing').slice(0, 2000),
        },
        ip: clientIp(c, deps.config.trustProxy),
        locale: lang,
      });
      return c.html(renderThanks(lang, form));
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'invalid-input') throw e;
      const defs = await loadDefs(deps, form.workspaceId, form.sopId);
      const errors = (e.detail.errors ?? []).map((x) => ({
        message: typeof x.message === 'string' ? x.message : x.message[lang],
      }));
      const hidden = Object.fromEntries(
        Object.keys(body)
          .filter((k) => k.startsWith('utm_') || k === '_ref' || k === '_landing')
          .map((k) => [k, str(k)]),
      );
      return c.html(
        renderForm(form, defs, {
          lang,
          action: `/f/${form.key}`,
          shownAt: startedAt || deps.clock.now(),
          hidden,
          values,
          errors,
        }),
        422,
      );
    }
  });
  return r;
}

async function loadDefs(deps: Deps, ws: string, sopId: string) {
  const rows = await deps.db.query(
    'select published_version from sops where workspace_id = $1 and id = $2',
    [ws, sopId],
  );
  const v = rows[0]?.published_version;
  if (v === null || v === undefined) return [];
  return (await deps.sops.get(ws, sopId, Number(v))).doc.fields;
}
