/** The SOP library: built-in templates and the workspace's published SOPs. */
import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
import { LocalizedText, SopDocumentBody, SopIdParam, Stage } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { createDraftFromTemplate } from '../services/library/create-draft-from-template.ts';
import { getLibrarySop, getLibraryTemplate } from '../services/library/get-library-item.ts';
import { listLibrary } from '../services/library/list-library.ts';

const verbRoute = verbRoutes(['library']);

export const LibraryItem = z
  .object({
    kind: z.enum(['template', 'sop']),
    id: z.string(),
    version: z.number(),
    name: LocalizedText,
    description: LocalizedText.nullable(),
    tags: z.array(z.string()),
    stageCount: z.number(),
    fieldCount: z.number(),
    pathCount: z.number(),
    pathCountExact: z.boolean(),
    slaCount: z.number(),
    escalationCount: z.number(),
  })
  .openapi('LibraryItem');

const LibraryItemDetail = z
  .object({ item: LibraryItem, doc: SopDocumentBody, stages: z.array(Stage) })
  .openapi('LibraryItemDetail');

const TemplateIdParam = z.object({
  templateId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'templateId', in: 'path' } }),
});

export function libraryRoutes() {
  const r = createRouter();

  verbRoute(r, {
    method: 'get',
    path: '/library',
    operationId: 'listLibrary',
    summary: "Library templates and the workspace's published SOPs, searched by text and tag",
    request: {
      query: z.object({
        q: z.string().max(200).optional(),
        tag: z.string().max(50).optional(),
      }),
    },
    responses: {
      200: ok(
        z.object({
          templates: z.array(LibraryItem),
          sops: z.array(LibraryItem),
          tags: z.array(z.string()),
        }),
      ),
    },
    verb: listLibrary,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/library/templates/{templateId}',
    operationId: 'getLibraryTemplate',
    summary: "A template's document and every stage's guidance, for the read-only preview",
    request: { params: TemplateIdParam },
    responses: { 200: ok(LibraryItemDetail) },
    verb: getLibraryTemplate,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/library/sops/{sopId}',
    operationId: 'getLibrarySop',
    summary: "A workspace SOP's published version, shown like a template",
    request: { params: SopIdParam },
    responses: { 200: ok(LibraryItemDetail) },
    verb: getLibrarySop,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/library/templates/{templateId}/drafts',
    operationId: 'createDraftFromTemplate',
    summary: 'Copy a template into the workspace as a new SOP draft; returns its id for the editor',
    request: {
      params: TemplateIdParam,
      ...jsonBody(
        z.object({
          sopId: z
            .string()
            .min(1)
            .max(100)
            .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -')
            .optional(),
          name: z
            .object({ 'zh-CN': z.string().min(1).max(200), en: z.string().min(1).max(200) })
            .optional(),
        }),
      ),
    },
    responses: {
      201: ok(z.object({ sopId: z.string(), templateId: z.string() }), 'Created'),
    },
    verb: createDraftFromTemplate,
    input: (c) => {
      const { templateId } = c.req.valid('param');
      const body = c.req.valid('json');
      return { templateId, ...body };
    },
  });

  return r;
}
