/**
 * The shell's and the SOP area's server state: TanStack Query hooks over the typed client.
 * SOP documents themselves are validated with the engine's `parseSop` where they are used
 * (the editor chunk), so the shell does not load the engine.
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, http, ok, type Schemas } from './client.ts';

export type User = Schemas['User'];
export type Role = User['role'];
/** Every role, in the order the admin pages list them. */
export const ROLES: readonly Role[] = ['admin', 'manager', 'trainer', 'rep'];
export type SopSummary = Schemas['SopSummary'];
export type SopDraftResponse = Schemas['SopDetail'];
export type VersionSummary = Schemas['SopVersionSummary'];

/** The signed-in user's answer from `GET /me`. */
export function fetchMe(signal?: AbortSignal) {
  return ok(http.GET('/me', { signal }));
}

export const keys = {
  me: ['me'] as const,
  sops: ['sops'] as const,
  sop: (id: string) => ['sops', id] as const,
  versions: (id: string) => ['sops', id, 'versions'] as const,
  version: (id: string, v: number) => ['sops', id, 'versions', v] as const,
};

/** The signed-in user, or null when signed out (401). */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async ({ signal }) => {
      try {
        return (await fetchMe(signal)).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: (n, e) => !(e instanceof ApiError) && n < 2,
  });
}

/** Publishes the SOP's saved draft as its next version. */
export function publishSop(sopId: string, note: string) {
  return ok(http.POST('/sops/{sopId}/publish', { params: { path: { sopId } }, body: { note } }));
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      ok(http.POST('/auth/login', { body: input })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.me }),
    // the login page shows the refusal itself, once; no toast repeating it
    meta: { silent: true },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => ok(http.POST('/auth/logout')),
    onSettled: () => {
      qc.setQueryData(keys.me, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    },
  });
}

export function useSops() {
  return useQuery({
    queryKey: keys.sops,
    queryFn: ({ signal }) => ok(http.GET('/sops', { signal })),
  });
}

export function useCreateSop() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (doc: Schemas['SopDocument']) => ok(http.POST('/sops', { body: { doc } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.sops }),
  });
}

export function useVersions(sopId: string, enabled = true) {
  return useQuery({
    queryKey: keys.versions(sopId),
    enabled,
    queryFn: async ({ signal }) => {
      const r = await ok(
        http.GET('/sops/{sopId}/versions', { params: { path: { sopId } }, signal }),
      );
      return [...r.items].sort((a, b) => b.version - a.version);
    },
  });
}

export function fetchVersion(qc: QueryClient, sopId: string, version: number) {
  return qc.fetchQuery({
    queryKey: keys.version(sopId, version),
    queryFn: ({ signal }) =>
      ok(
        http.GET('/sops/{sopId}/versions/{version}', {
          params: { path: { sopId, version } },
          signal,
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
