/**
 * The dashboard's server state: report types from the API contract, TanStack Query hooks,
 * and the filters, which live in the URL (shareable, and the map and the overview share
 * them).
 */
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { http, ok, type Schemas } from '../../shared/api/client.ts';

export type Funnel = Schemas['Funnel'];
export type StageTimes = Schemas['StageTimes'];
export type Breaches = Schemas['Breaches'];
export type Workload = Schemas['Workload'];
export type Outcomes = Schemas['Outcomes'];
export type Trends = Schemas['Trends'];
export type BottleneckMap = Schemas['BottleneckMap'];
export type MapStage = BottleneckMap['stages'][number];
export type RecordItem = Schemas['Record'];

export type Filters = {
  sopId?: string;
  version?: number;
  /** The B side of an A/B comparison (A is `version`). */
  compare?: number;
  teamId?: string;
  ownerId?: string;
  from?: string;
  to?: string;
  source?: string;
};

const PARAM: Record<keyof Filters, string> = {
  sopId: 'sop',
  version: 'v',
  compare: 'vs',
  teamId: 'team',
  ownerId: 'rep',
  from: 'from',
  to: 'to',
  source: 'source',
};

/** Filters from and to the URL's search params. */
export function useFilters(): [Filters, (next: Filters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const f: Filters = {};
    const str = (k: keyof Filters) => params.get(PARAM[k]) || undefined;
    const int = (k: keyof Filters) => {
      const v = Number.parseInt(params.get(PARAM[k]) ?? '', 10);
      return Number.isFinite(v) ? v : undefined;
    };
    const set = <K extends keyof Filters>(k: K, v: Filters[K] | undefined) => {
      if (v !== undefined) f[k] = v;
    };
    set('sopId', str('sopId'));
    set('version', int('version'));
    set('compare', int('compare'));
    set('teamId', str('teamId'));
    set('ownerId', str('ownerId'));
    set('from', str('from'));
    set('to', str('to'));
    set('source', str('source'));
    return f;
  }, [params]);
  const update = (next: Filters) => {
    const p = new URLSearchParams();
    for (const [k, name] of Object.entries(PARAM) as Array<[keyof Filters, string]>) {
      const v = next[k];
      if (v !== undefined && v !== '') p.set(name, String(v));
    }
    setParams(p, { replace: true });
  };
  return [filters, update];
}

/** The report endpoints' query parameters (`compare` is the UI's own). */
export type ReportParams = Omit<Filters, 'compare'>;

export function reportParams(f: Filters, override: Partial<Filters> = {}): ReportParams {
  const merged: Filters = { ...f, ...override };
  const out: ReportParams = {};
  const keys = ['sopId', 'version', 'teamId', 'ownerId', 'from', 'to', 'source'] as const;
  for (const k of keys) {
    const v = merged[k];
    if (v !== undefined && v !== '') Object.assign(out, { [k]: v });
  }
  return out;
}

/** Query string for the report endpoints. */
export function reportQuery(f: Filters, override: Partial<Filters> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(reportParams(f, override))) p.set(k, String(v));
  return p.toString();
}

/** The CSV download link of a report table. */
export function csvUrl(report: string, f: Filters, lang: string, override: Partial<Filters> = {}) {
  const q = reportQuery(f, override);
  return `/api/reports/${report}/export?${q}${q ? '&' : ''}lang=${encodeURIComponent(lang)}`;
}

type Fetch<T> = (query: ReportParams & { sopId: string }, signal: AbortSignal) => Promise<T>;

function useReport<T>(
  name: string,
  fetch: Fetch<T>,
  f: Filters,
  needsSop: boolean,
  override: Partial<Filters> = {},
) {
  const params = reportParams(f, override);
  const q = reportQuery(f, override);
  return useQuery({
    queryKey: ['reports', name, q],
    enabled: !needsSop || !!params.sopId,
    queryFn: ({ signal }) => fetch({ ...params, sopId: params.sopId ?? '' }, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** The reports without a SOP leave `sopId` out when none is chosen. */
const anySop = ({ sopId, ...rest }: ReportParams & { sopId: string }) =>
  sopId ? { sopId, ...rest } : rest;

export const useFunnel = (f: Filters, o?: Partial<Filters>) =>
  useReport(
    'funnel',
    (query, signal) => ok(http.GET('/reports/funnel', { params: { query }, signal })),
    f,
    true,
    o,
  );
export const useStageTimes = (f: Filters, o?: Partial<Filters>) =>
  useReport(
    'stage-times',
    (query, signal) => ok(http.GET('/reports/stage-times', { params: { query }, signal })),
    f,
    true,
    o,
  );
export const useBreaches = (f: Filters, o?: Partial<Filters>) =>
  useReport(
    'breaches',
    (query, signal) => ok(http.GET('/reports/breaches', { params: { query }, signal })),
    f,
    true,
    o,
  );
export const useWorkload = (f: Filters) =>
  useReport(
    'workload',
    (query, signal) =>
      ok(http.GET('/reports/workload', { params: { query: anySop(query) }, signal })),
    f,
    false,
  );
export const useOutcomes = (f: Filters) =>
  useReport(
    'outcomes',
    (query, signal) =>
      ok(http.GET('/reports/outcomes', { params: { query: anySop(query) }, signal })),
    f,
    false,
  );
export const useTrends = (f: Filters) =>
  useReport(
    'trends',
    (query, signal) =>
      ok(http.GET('/reports/trends', { params: { query: anySop(query) }, signal })),
    f,
    false,
  );
export const useBottleneckMap = (f: Filters) =>
  useReport(
    'bottleneck-map',
    (query, signal) => ok(http.GET('/reports/bottleneck-map', { params: { query }, signal })),
    f,
    true,
  );

/** One SOP's line in the overview across SOPs. */
export type SopFigures = {
  sopId: string;
  outcomes: Outcomes | undefined;
  breaches: Breaches | undefined;
  map: BottleneckMap | undefined;
  pending: boolean;
};

/**
 * The figures of every SOP in `sopIds` under the same filters (team, rep, period): records
 * started and won, the breach rate, and each stage's records now and overdue. Three report
 * calls per SOP, cached like the drill-down's (the same query keys).
 */
export function useSopFigures(f: Filters, sopIds: string[]): SopFigures[] {
  const each = (name: string) =>
    sopIds.map((sopId) => ({
      sopId,
      key: ['reports', name, reportQuery(f, { sopId })],
      query: { ...reportParams(f, { sopId }), sopId },
    }));
  const outcomes = useQueries({
    queries: each('outcomes').map((x) => ({
      queryKey: x.key,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        ok(http.GET('/reports/outcomes', { params: { query: x.query }, signal })),
      staleTime: 30_000,
    })),
  });
  const breaches = useQueries({
    queries: each('breaches').map((x) => ({
      queryKey: x.key,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        ok(http.GET('/reports/breaches', { params: { query: x.query }, signal })),
      staleTime: 30_000,
    })),
  });
  const maps = useQueries({
    queries: each('bottleneck-map').map((x) => ({
      queryKey: x.key,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        ok(http.GET('/reports/bottleneck-map', { params: { query: x.query }, signal })),
      staleTime: 30_000,
    })),
  });
  return sopIds.map((sopId, i) => ({
    sopId,
    outcomes: outcomes[i]?.data,
    breaches: breaches[i]?.data,
    map: maps[i]?.data,
    pending: !!(outcomes[i]?.isPending || breaches[i]?.isPending || maps[i]?.isPending),
  }));
}

export function useSopOptions() {
  return useQuery({
    queryKey: ['sops'],
    queryFn: ({ signal }) => ok(http.GET('/sops', { signal })),
    staleTime: 60_000,
  });
}

export function useVersionOptions(sopId: string | undefined) {
  return useQuery({
    queryKey: ['sops', sopId, 'versions'],
    enabled: !!sopId,
    queryFn: async ({ signal }) => {
      const r = await ok(
        http.GET('/sops/{sopId}/versions', { params: { path: { sopId: sopId ?? '' } }, signal }),
      );
      return r.items.map((v) => v.version).sort((a, b) => b - a);
    },
  });
}

export function useTeamsAndUsers() {
  const teams = useQuery({
    queryKey: ['teams'],
    queryFn: ({ signal }) => ok(http.GET('/teams', { signal })),
    staleTime: 60_000,
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => ok(http.GET('/users', { signal })),
    staleTime: 60_000,
  });
  return { teams: teams.data?.items ?? [], users: users.data?.items ?? [] };
}

/** The SOP version document (for the diagram and the source field's options). */
export function useSopVersionDoc(sopId: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: ['sops', sopId, 'versions', version],
    enabled: !!sopId && version !== undefined,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/sops/{sopId}/versions/{version}', {
          params: { path: { sopId: sopId ?? '', version: version ?? 0 } },
          signal,
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Open records in a stage (the bottleneck map's drill-down). */
export function useStageRecords(f: Filters, stage: string | null) {
  const query = {
    ...(f.sopId ? { sopId: f.sopId } : {}),
    ...(stage ? { stage } : {}),
    ...(f.teamId ? { teamId: f.teamId } : {}),
    ...(f.ownerId ? { ownerId: f.ownerId } : {}),
    status: 'open' as const,
    limit: 100,
  };
  const q = new URLSearchParams(
    Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString();
  return useQuery({
    queryKey: ['records', 'stage', q],
    enabled: !!stage && !!f.sopId,
    queryFn: ({ signal }) => ok(http.GET('/records', { params: { query }, signal })),
  });
}
