/**
 * The intake page's server state: imports (upload, preview, dry run, run, cancel, live
 * progress), lead forms and the review queue, typed from the generated API contract.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod/mini';
import {
  type Answered,
  ApiError,
  http,
  ok,
  problemOf,
  type Schemas,
} from '../../shared/api/client.ts';
import { i18n } from '../../shared/i18n/index.ts';

export type Import = Schemas['Import'];
export type Form = Schemas['Form'];
export type Held = Schemas['HeldSubmission'];
export type Uploaded = Answered<'/imports', 'post'>;
export type Setup = Answered<'/imports/{importId}/preview', 'post'>;
export type RunResult = Answered<'/imports/{importId}/run', 'post'>;
export type FormBody = Omit<Form, 'id' | 'key' | 'createdAt' | 'updatedAt'>;
export type Mapping = Record<string, string>;

export const intakeKeys = {
  imports: ['intake', 'imports'] as const,
  forms: ['intake', 'forms'] as const,
  held: ['intake', 'held'] as const,
};

export function useImports(enabled = true) {
  return useQuery({
    queryKey: intakeKeys.imports,
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/imports', { signal })),
    select: (d) => d.items,
  });
}

/** Uploads a spreadsheet as multipart (the file and the target SOP). */
export async function uploadImport(file: File, sopId: string, source?: string): Promise<Uploaded> {
  const body = new FormData();
  body.set('file', file);
  body.set('sopId', sopId);
  if (source) body.set('source', source);
  const res = await fetch('/api/imports', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-closeloop-csrf': '1', 'accept-language': i18n.language },
    body,
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(problemOf(res, json), res.status, json);
  return json as Uploaded;
}

export type SetupInput = { sheet?: string; headerRow?: number; mapping?: Mapping; source?: string };

export function previewImport(importId: string, body: SetupInput) {
  return ok(http.POST('/imports/{importId}/preview', { params: { path: { importId } }, body }));
}

export function runImport(
  importId: string,
  body: SetupInput & {
    dryRun: boolean;
    saveTemplate?: boolean;
    duplicatePolicy?: 'skip' | 'create';
  },
) {
  return ok(http.POST('/imports/{importId}/run', { params: { path: { importId } }, body }));
}

export function useCancelImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (importId: string) =>
      ok(http.POST('/imports/{importId}/cancel', { params: { path: { importId } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: intakeKeys.imports }),
  });
}

/** The error report's address (a plain download: the server names the file). */
export function errorReportUrl(importId: string, duplicates = false) {
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return `/api/imports/${encodeURIComponent(importId)}/errors?lang=${lang}${duplicates ? '&duplicates=true' : ''}`;
}

const Progress = z.object({
  id: z.string(),
  status: z.string(),
  total: z.number(),
  processed: z.number(),
  created: z.number(),
  attached: z.number(),
  duplicates: z.number(),
  failed: z.number(),
});
export type ImportProgress = z.infer<typeof Progress>;

/**
 * The import's progress, live: the SSE stream's `import.progress` events, with getImport
 * read at the start and whenever the stream (re)connects so nothing said meanwhile is lost.
 */
export function useImportProgress(imp: Import | null): ImportProgress | null {
  const qc = useQueryClient();
  const [p, setP] = useState<ImportProgress | null>(imp);
  const id = imp?.id;
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    const refresh = () =>
      ok(http.GET('/imports/{importId}', { params: { path: { importId: id } } }))
        .then((x) => {
          if (!stopped) setP(x);
        })
        .catch(() => {});
    void refresh();
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/stream', { withCredentials: true });
    source.addEventListener('ready', () => void refresh());
    source.addEventListener('import.progress', (e) => {
      try {
        const r = Progress.safeParse(JSON.parse(e instanceof MessageEvent ? String(e.data) : ''));
        if (r.success && r.data.id === id) {
          setP(r.data);
          if (!['running', 'cancelling'].includes(r.data.status)) {
            void qc.invalidateQueries({ queryKey: intakeKeys.imports });
          }
        }
      } catch {
        // a malformed event is ignored; the next one or a refresh corrects the bar
      }
    });
    return () => {
      stopped = true;
      source.close();
    };
  }, [id, qc]);
  return p;
}

export function useForms(enabled = true) {
  return useQuery({
    queryKey: intakeKeys.forms,
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/forms', { signal })),
    select: (d) => d.items,
  });
}

export function useSaveForm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: FormBody }) =>
      id
        ? ok(http.PATCH('/forms/{formId}', { params: { path: { formId: id } }, body }))
        : ok(http.POST('/forms', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: intakeKeys.forms }),
  });
}

export function useHeld(enabled = true) {
  return useQuery({
    queryKey: intakeKeys.held,
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/form-submissions', { signal })),
    select: (d) => d.items,
  });
}

export function useReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, verb }: { id: string; verb: 'approve' | 'discard' }) =>
      verb === 'approve'
        ? ok(
            http.POST('/form-submissions/{submissionId}/approve', {
              params: { path: { submissionId: id } },
            }),
          )
        : ok(
            http.POST('/form-submissions/{submissionId}/discard', {
              params: { path: { submissionId: id } },
            }),
          ),
    onSettled: () => qc.invalidateQueries({ queryKey: intakeKeys.held }),
  });
}

const FieldDefs = z.object({
  fields: z.array(
    z.object({
      key: z.string(),
      type: z.string(),
      label: z.object({ 'zh-CN': z.string(), en: z.string() }),
    }),
  ),
});
export type FieldDef = z.infer<typeof FieldDefs>['fields'][number];

/** The fields of an SOP's published version (for mapping columns and form fields). */
export function useSopFields(sopId: string | undefined, version: number | null | undefined) {
  return useQuery({
    queryKey: ['intake', 'fields', sopId, version],
    enabled: !!sopId && version !== null && version !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async ({ signal }) => {
      const v = await ok(
        http.GET('/sops/{sopId}/versions/{version}', {
          params: { path: { sopId: sopId ?? '', version: version ?? 0 } },
          signal,
        }),
      );
      const parsed = FieldDefs.safeParse(v.doc);
      return parsed.success ? parsed.data.fields : [];
    },
  });
}
