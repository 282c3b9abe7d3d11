/**
 * Response schemas and TanStack Query hooks for the shell and the SOP area. SOP documents
 * themselves are validated with the engine's `parseSop` where they are used (the editor
 * chunk), so the shell does not load the engine.
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { ApiError, api } from './client.ts';

export const Role = z.enum(['admin', 'manager', 'trainer', 'rep']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  locale: z.optional(z.nullable(z.string())),
  workspaceId: z.optional(z.string()),
  teamIds: z.optional(z.array(z.string())),
});
export type User = z.infer<typeof User>;

export const MeResponse = z.object({ user: User });

const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });
const Timestamp = z.union([z.string(), z.number()]);

export const SopSummary = z.object({
  sopId: z.string(),
  name: z.union([Localized, z.string()]),
  draftUpdatedAt: z.optional(z.nullable(Timestamp)),
  publishedVersion: z.optional(z.nullable(z.number())),
  recordCount: z.optional(z.nullable(z.number())),
});
export type SopSummary = z.infer<typeof SopSummary>;
export const SopList = z.object({ items: z.array(SopSummary) });

/** The draft is checked by the engine's parseSop in the editor, so it stays `unknown` here. */
export const SopDraftResponse = z.object({
  sopId: z.string(),
  draft: z.unknown(),
  publishedVersion: z.optional(z.nullable(z.number())),
});
export type SopDraftResponse = z.infer<typeof SopDraftResponse>;

export const VersionSummary = z.object({
  version: z.number(),
  note: z.optional(z.nullable(z.string())),
  publishedAt: z.optional(z.nullable(Timestamp)),
  hash: z.optional(z.string()),
});
export type VersionSummary = z.infer<typeof VersionSummary>;
export const VersionList = z.union([
  z.object({ items: z.array(VersionSummary) }),
  z.array(VersionSummary),
]);

export const VersionResponse = z.object({
  doc: z.unknown(),
  note: z.optional(z.nullable(z.string())),
  publishedAt: z.optional(z.nullable(Timestamp)),
  hash: z.optional(z.string()),
});

export const PublishResponse = z.object({ version: z.number() });

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
        return (await api('GET', '/api/me', { schema: MeResponse, signal })).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: (n, e) => !(e instanceof ApiError) && n < 2,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      api('POST', '/api/auth/login', { body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.me }),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api('POST', '/api/auth/logout'),
    onSettled: () => {
      qc.setQueryData(keys.me, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    },
  });
}

export function useSops() {
  return useQuery({
    queryKey: keys.sops,
    queryFn: ({ signal }) => api('GET', '/api/sops', { schema: SopList, signal }),
  });
}

export function useCreateSop() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (doc: unknown) => api('POST', '/api/sops', { body: { doc } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.sops }),
  });
}

export function useVersions(sopId: string, enabled = true) {
  return useQuery({
    queryKey: keys.versions(sopId),
    enabled,
    queryFn: async ({ signal }) => {
      const r = await api('GET', `/api/sops/${encodeURIComponent(sopId)}/versions`, {
        schema: VersionList,
        signal,
      });
      const list = Array.isArray(r) ? r : r.items;
      return [...list].sort((a, b) => b.version - a.version);
    },
  });
}

export function fetchVersion(qc: QueryClient, sopId: string, version: number) {
  return qc.fetchQuery({
    queryKey: keys.version(sopId, version),
    queryFn: ({ signal }) =>
      api('GET', `/api/sops/${encodeURIComponent(sopId)}/versions/${version}`, {
        schema: VersionResponse,
        signal,
      }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
