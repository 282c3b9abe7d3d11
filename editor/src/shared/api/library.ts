/**
 * Response schemas and TanStack Query hooks for the SOP library. Documents are checked with
 * the engine's parseSop where they are drawn, so they stay `unknown` here.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { api } from './client.ts';
import { keys as shellKeys } from './queries.ts';

import { Localized } from './schemas.ts';

export { Localized };

export const LibraryItem = z.object({
  kind: z.enum(['template', 'sop']),
  id: z.string(),
  version: z.number(),
  name: Localized,
  description: z.nullable(Localized),
  tags: z.array(z.string()),
  stageCount: z.number(),
  fieldCount: z.number(),
  pathCount: z.number(),
  slaCount: z.number(),
  escalationCount: z.number(),
});
export type LibraryItem = z.infer<typeof LibraryItem>;

export const LibraryList = z.object({
  templates: z.array(LibraryItem),
  sops: z.array(LibraryItem),
  tags: z.array(z.string()),
});
export type LibraryList = z.infer<typeof LibraryList>;

export const LibraryDetail = z.object({ item: LibraryItem, doc: z.unknown() });

export const libraryKeys = {
  list: (q: string, tag: string | undefined) => ['library', 'list', q, tag ?? ''] as const,
  item: (kind: string, id: string) => ['library', kind, id] as const,
};

export function useLibrary(q: string, tag: string | undefined) {
  return useQuery({
    queryKey: libraryKeys.list(q, tag),
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => {
      const params = new URLSearchParams();
      if (q) params.set('q', q);
      if (tag) params.set('tag', tag);
      const qs = params.toString();
      return api('GET', `/api/library${qs ? `?${qs}` : ''}`, { schema: LibraryList, signal });
    },
  });
}

export function useLibraryItem(kind: 'template' | 'sop', id: string) {
  return useQuery({
    queryKey: libraryKeys.item(kind, id),
    queryFn: ({ signal }) =>
      api(
        'GET',
        `/api/library/${kind === 'template' ? 'templates' : 'sops'}/${encodeURIComponent(id)}`,
        { schema: LibraryDetail, signal },
      ),
  });
}

export function useCreateDraft() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) =>
      api('POST', `/api/library/templates/${encodeURIComponent(templateId)}/drafts`, {
        body: {},
        schema: z.object({ sopId: z.string(), templateId: z.string() }),
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: shellKeys.sops }),
  });
}
