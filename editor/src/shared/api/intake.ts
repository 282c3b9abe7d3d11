/**
 * Intake state more than one area reads: the workspace's intake settings (the shell shows
 * reps the /intake page when they may import; the admin pages switch it) and the funnel by
 * source (the dashboard and /intake both show it).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, ok, type Schemas } from './client.ts';
import type { operations } from './openapi';

export type IntakeSettings = Schemas['IntakeSettings'];
export type SourceFunnel = Schemas['SourceFunnel'];
export type SourceRow = SourceFunnel['sources'][number];
export type SourceQuery = NonNullable<operations['getSourceFunnel']['parameters']['query']>;

export const intakeSharedKeys = {
  settings: ['intake', 'settings'] as const,
  sources: (q: SourceQuery) => ['intake', 'sources', q] as const,
};

export function useIntakeSettings(enabled = true) {
  return useQuery({
    queryKey: intakeSharedKeys.settings,
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/intake/settings', { signal })),
    staleTime: 60_000,
  });
}

export function useUpdateIntakeSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<IntakeSettings>) => ok(http.PATCH('/intake/settings', { body })),
    onSuccess: (data) => qc.setQueryData(intakeSharedKeys.settings, data),
  });
}

/** The funnel by source for a period and optional SOP / team (empty values are left out). */
export function useSourceFunnel(q: SourceQuery) {
  const query = Object.fromEntries(
    Object.entries(q).filter(([, v]) => v !== undefined && v !== ''),
  ) as SourceQuery;
  return useQuery({
    queryKey: intakeSharedKeys.sources(query),
    queryFn: ({ signal }) => ok(http.GET('/reports/sources', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}
