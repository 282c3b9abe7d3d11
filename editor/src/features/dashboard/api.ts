/**
 * The dashboard's server state: report responses validated with zod, TanStack Query hooks,
 * and the filters, which live in the URL (shareable, and the map and the overview share
 * them).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { z } from 'zod/mini';
import { api } from '../../shared/api/client.ts';

const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });
const Rate = z.nullable(z.number());
const Period = z.object({ from: z.string(), to: z.string() });
const stageBase = {
  id: z.string(),
  parentId: z.nullable(z.string()),
  depth: z.number(),
  type: z.string(),
  final: z.boolean(),
  outcome: z.nullable(z.string()),
  title: Localized,
  sla: z.nullable(z.string()),
  order: z.number(),
};

export const Funnel = z.object({
  started: z.number(),
  period: Period,
  outcomes: z.object({ open: z.number(), won: z.number(), lost: z.number(), done: z.number() }),
  stages: z.array(
    z.object({
      ...stageBase,
      entered: z.number(),
      converted: z.number(),
      conversion: Rate,
      reach: Rate,
    }),
  ),
});
export type Funnel = z.infer<typeof Funnel>;

export const StageTimes = z.object({
  stages: z.array(
    z.object({
      ...stageBase,
      visits: z.number(),
      open: z.number(),
      wallP50: Rate,
      wallP90: Rate,
      workP50: Rate,
      workP90: Rate,
    }),
  ),
  /** Percentiles estimated from histograms (periods over 31 days). */
  approximate: z.optional(z.boolean()),
});
export type StageTimes = z.infer<typeof StageTimes>;

export const Breaches = z.object({
  visits: z.number(),
  breached: z.number(),
  rate: Rate,
  stages: z.array(z.object({ ...stageBase, visits: z.number(), breached: z.number(), rate: Rate })),
});
export type Breaches = z.infer<typeof Breaches>;

export const Workload = z.object({
  open: z.number(),
  overdue: z.number(),
  reps: z.array(
    z.object({
      userId: z.nullable(z.string()),
      name: z.string(),
      teamId: z.nullable(z.string()),
      teamName: z.string(),
      open: z.number(),
      overdue: z.number(),
      overdueRate: Rate,
      oldestDueAt: z.nullable(z.number()),
    }),
  ),
  teams: z.array(
    z.object({
      teamId: z.nullable(z.string()),
      name: z.string(),
      open: z.number(),
      overdue: z.number(),
      overdueRate: Rate,
    }),
  ),
});
export type Workload = z.infer<typeof Workload>;

export const Outcomes = z.object({
  started: z.number(),
  open: z.number(),
  won: z.number(),
  lost: z.number(),
  done: z.number(),
  winRate: Rate,
  reasons: z.array(
    z.object({
      kind: z.string(),
      value: z.string(),
      label: Localized,
      count: z.number(),
      share: Rate,
    }),
  ),
});
export type Outcomes = z.infer<typeof Outcomes>;

export const Trends = z.object({
  weeks: z.array(
    z.object({
      week: z.string(),
      created: z.number(),
      won: z.number(),
      lost: z.number(),
      breaches: z.number(),
      winRate: Rate,
    }),
  ),
});
export type Trends = z.infer<typeof Trends>;

export const BottleneckMap = z.object({
  version: z.number(),
  stages: z.array(
    z.object({
      ...stageBase,
      now: z.number(),
      overdueNow: z.number(),
      entered: z.number(),
      wallP50: Rate,
      workP50: Rate,
      breachRate: Rate,
      dropped: z.number(),
      dropOff: Rate,
    }),
  ),
  edges: z.array(
    z.object({
      key: z.string(),
      source: z.string(),
      targets: z.array(z.string()),
      action: z.string(),
      label: z.nullable(Localized),
      records: z.number(),
      taken: z.number(),
    }),
  ),
  /** Medians estimated from histograms (periods over 31 days). */
  approximate: z.optional(z.boolean()),
});
export type BottleneckMap = z.infer<typeof BottleneckMap>;
export type MapStage = BottleneckMap['stages'][number];

const SopItem = z.object({
  sopId: z.string(),
  name: z.union([Localized, z.string()]),
  publishedVersion: z.optional(z.nullable(z.number())),
});
const SopList = z.object({ items: z.array(SopItem) });
const VersionItem = z.object({ version: z.number() });
const VersionList = z.union([z.object({ items: z.array(VersionItem) }), z.array(VersionItem)]);
const Named = z.object({ id: z.string(), name: z.string() });
const UserItem = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  teamIds: z.array(z.string()),
});
const VersionDoc = z.object({ doc: z.unknown() });

const RecordItem = z.object({
  id: z.string(),
  fields: z.record(z.string(), z.unknown()),
  ownerId: z.nullable(z.string()),
  teamId: z.nullable(z.string()),
  dueAt: z.nullable(z.number()),
  overdue: z.optional(z.boolean()),
  createdAt: z.number(),
  status: z.string(),
});
export type RecordItem = z.infer<typeof RecordItem>;
const RecordPage = z.object({ items: z.array(RecordItem), nextCursor: z.nullable(z.string()) });

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

/** Query string for the report endpoints (`compare` is the UI's own). */
export function reportQuery(f: Filters, override: Partial<Filters> = {}): string {
  const merged: Filters = { ...f, ...override };
  const p = new URLSearchParams();
  const keys: Array<keyof Filters> = [
    'sopId',
    'version',
    'teamId',
    'ownerId',
    'from',
    'to',
    'source',
  ];
  for (const k of keys) {
    const v = merged[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  return p.toString();
}

/** The CSV download link of a report table. */
export function csvUrl(report: string, f: Filters, lang: string, override: Partial<Filters> = {}) {
  const q = reportQuery(f, override);
  return `/api/reports/${report}/export?${q}${q ? '&' : ''}lang=${encodeURIComponent(lang)}`;
}

type Schema<T> = { parse: (d: unknown) => T };

function useReport<T>(
  name: string,
  schema: Schema<T>,
  f: Filters,
  needsSop: boolean,
  override: Partial<Filters> = {},
) {
  const q = reportQuery(f, override);
  return useQuery({
    queryKey: ['reports', name, q],
    enabled: !needsSop || !!(override.sopId ?? f.sopId),
    queryFn: ({ signal }) => api('GET', `/api/reports/${name}?${q}`, { schema, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export const useFunnel = (f: Filters, o?: Partial<Filters>) =>
  useReport('funnel', Funnel, f, true, o);
export const useStageTimes = (f: Filters, o?: Partial<Filters>) =>
  useReport('stage-times', StageTimes, f, true, o);
export const useBreaches = (f: Filters, o?: Partial<Filters>) =>
  useReport('breaches', Breaches, f, true, o);
export const useWorkload = (f: Filters) => useReport('workload', Workload, f, false);
export const useOutcomes = (f: Filters) => useReport('outcomes', Outcomes, f, false);
export const useTrends = (f: Filters) => useReport('trends', Trends, f, false);
export const useBottleneckMap = (f: Filters) => useReport('bottleneck-map', BottleneckMap, f, true);

export function useSopOptions() {
  return useQuery({
    queryKey: ['sops'],
    queryFn: ({ signal }) => api('GET', '/api/sops', { schema: SopList, signal }),
    staleTime: 60_000,
  });
}

export function useVersionOptions(sopId: string | undefined) {
  return useQuery({
    queryKey: ['sops', sopId, 'versions'],
    enabled: !!sopId,
    queryFn: async ({ signal }) => {
      const r = await api('GET', `/api/sops/${encodeURIComponent(sopId ?? '')}/versions`, {
        schema: VersionList,
        signal,
      });
      const list = Array.isArray(r) ? r : r.items;
      return list.map((v) => v.version).sort((a, b) => b - a);
    },
  });
}

export function useTeamsAndUsers() {
  const teams = useQuery({
    queryKey: ['teams'],
    queryFn: ({ signal }) =>
      api('GET', '/api/teams', { schema: z.object({ items: z.array(Named) }), signal }),
    staleTime: 60_000,
  });
  const users = useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) =>
      api('GET', '/api/users', { schema: z.object({ items: z.array(UserItem) }), signal }),
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
      api('GET', `/api/sops/${encodeURIComponent(sopId ?? '')}/versions/${version}`, {
        schema: VersionDoc,
        signal,
      }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Open records in a stage (the bottleneck map's drill-down). */
export function useStageRecords(f: Filters, stage: string | null) {
  const p = new URLSearchParams();
  if (f.sopId) p.set('sopId', f.sopId);
  if (stage) p.set('stage', stage);
  if (f.teamId) p.set('teamId', f.teamId);
  if (f.ownerId) p.set('ownerId', f.ownerId);
  p.set('status', 'open');
  p.set('limit', '100');
  const q = p.toString();
  return useQuery({
    queryKey: ['records', 'stage', q],
    enabled: !!stage && !!f.sopId,
    queryFn: ({ signal }) => api('GET', `/api/records?${q}`, { schema: RecordPage, signal }),
  });
}
