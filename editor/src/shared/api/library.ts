/**
 * TanStack Query hooks for the SOP library, typed by the API contract. Documents are checked with
 * the engine's parseSop where they are drawn, so they stay `unknown` here.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Answered, http, ok, type Schemas } from './client.ts';
import { keys as shellKeys } from './queries.ts';

export type Localized = Schemas['LocalizedText'];
export type LibraryItem = Schemas['LibraryItem'];
export type LibraryList = Answered<'/library', 'get'>;

export const libraryKeys = {
  list: (q: string, tag: string | undefined) => ['library', 'list', q, tag ?? ''] as const,
  item: (kind: string, id: string) => ['library', kind, id] as const,
};

export function useLibrary(q: string, tag: string | undefined) {
  return useQuery({
    queryKey: libraryKeys.list(q, tag),
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/library', {
          params: { query: { ...(q ? { q } : {}), ...(tag ? { tag } : {}) } },
          signal,
        }),
      ),
  });
}

export function useLibraryItem(kind: 'template' | 'sop', id: string) {
  return useQuery({
    queryKey: libraryKeys.item(kind, id),
    queryFn: ({ signal }) =>
      kind === 'template'
        ? ok(
            http.GET('/library/templates/{templateId}', {
              params: { path: { templateId: id } },
              signal,
            }),
          )
        : ok(http.GET('/library/sops/{sopId}', { params: { path: { sopId: id } }, signal })),
  });
}

export function useCreateDraft() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) =>
      ok(
        http.POST('/library/templates/{templateId}/drafts', {
          params: { path: { templateId } },
          body: {},
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: shellKeys.sops }),
  });
}
