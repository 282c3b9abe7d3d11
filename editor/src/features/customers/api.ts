/**
 * Customers, the 公海 pool and the duplicates queue: response schemas (every body checked),
 * query keys and hooks, and the writes (claim, release, merge, unmerge, pool rules).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { api } from '../../shared/api/client.ts';
import { Localized } from '../../shared/api/schemas.ts';

const ms = z.nullable(z.number());

export const Customer = z.object({
  id: z.string(),
  kind: z.enum(['company', 'person']),
  name: z.string(),
  uscc: z.nullable(z.string()),
  source: z.nullable(z.string()),
  region: z.nullable(z.string()),
  industry: z.nullable(z.string()),
  ownerId: z.nullable(z.string()),
  ownerName: z.nullable(z.string()),
  teamId: z.nullable(z.string()),
  poolState: z.enum(['owned', 'pool']),
  claimedAt: ms,
  protectedUntil: ms,
  releasedAt: ms,
  flagged: z.boolean(),
  mergedInto: z.nullable(z.string()),
  version: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  phone: z.nullable(z.string()),
  phoneMasked: z.boolean(),
  openRecords: z.number(),
});
export type Customer = z.infer<typeof Customer>;

const CustomerPage = z.object({ items: z.array(Customer), nextCursor: z.nullable(z.string()) });

export const CustomerDetail = z.object({
  customer: Customer,
  contacts: z.array(
    z.object({
      id: z.string(),
      name: z.nullable(z.string()),
      title: z.nullable(z.string()),
      phone: z.nullable(z.string()),
      email: z.nullable(z.string()),
    }),
  ),
  records: z.array(
    z.object({
      id: z.string(),
      sopId: z.string(),
      sopName: Localized,
      status: z.string(),
      stages: z.array(Localized),
      ownerId: z.nullable(z.string()),
      ownerName: z.nullable(z.string()),
      dueAt: ms,
      createdAt: z.number(),
      updatedAt: z.number(),
      visible: z.boolean(),
    }),
  ),
  timeline: z.array(
    z.object({
      at: z.number(),
      type: z.string(),
      actorId: z.nullable(z.string()),
      actorName: z.nullable(z.string()),
      recordId: z.nullable(z.string()),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type CustomerDetail = z.infer<typeof CustomerDetail>;

export const PoolRules = z.object({
  reclaimAfterIdleDays: z.number(),
  reclaimAfterNoDealDays: z.number(),
  warnDaysBefore: z.number(),
  protectionDays: z.number(),
  protectionExtendDays: z.number(),
  protectionMaxDays: z.number(),
  dailyClaimLimit: z.number(),
  holdingCap: z.number(),
  excludeWonFromCap: z.boolean(),
  coolDownDays: z.number(),
  maskPhones: z.boolean(),
});
export type PoolRules = z.infer<typeof PoolRules>;

export const POLICIES = ['block', 'block-protected', 'attach', 'create'] as const;
export const CHANNELS = ['manual', 'api', 'import', 'form', 'push'] as const;

const Pool = z.object({
  id: z.string(),
  teamId: z.nullable(z.string()),
  rules: PoolRules,
  policies: z.record(z.string(), z.enum(POLICIES)),
  stored: z.boolean(),
});
export type Pool = z.infer<typeof Pool>;

const Pair = z.object({ a: Customer, b: Customer, matchedOn: z.array(z.string()) });
export type DuplicatePair = z.infer<typeof Pair>;

export const MERGE_FIELDS = ['name', 'kind', 'uscc', 'source', 'region', 'industry'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

const MergePlan = z.object({
  mergeId: z.nullable(z.string()),
  dryRun: z.boolean(),
  survivorId: z.string(),
  mergedId: z.string(),
  fields: z.record(z.string(), z.nullable(z.string())),
  moves: z.object({
    records: z.array(z.string()),
    contacts: z.array(z.string()),
    keys: z.number(),
    events: z.number(),
    timers: z.number(),
  }),
});
export type MergePlan = z.infer<typeof MergePlan>;

export const customerKeys = {
  all: ['customers'] as const,
  list: (q: Record<string, string>) => ['customers', 'list', q] as const,
  one: (id: string) => ['customers', 'one', id] as const,
  pool: (q: Record<string, string>) => ['customers', 'pool', q] as const,
  duplicates: ['customers', 'duplicates'] as const,
  pools: ['customers', 'pools'] as const,
};

const qs = (q: Record<string, string>) => {
  const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== ''));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export function useCustomers(q: Record<string, string>) {
  return useQuery({
    queryKey: customerKeys.list(q),
    queryFn: ({ signal }) => api('GET', `/api/customers${qs(q)}`, { schema: CustomerPage, signal }),
    placeholderData: keepPreviousData,
  });
}

export function usePoolCustomers(q: Record<string, string>) {
  return useQuery({
    queryKey: customerKeys.pool(q),
    queryFn: ({ signal }) =>
      api('GET', `/api/pool/customers${qs(q)}`, { schema: CustomerPage, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string | undefined) {
  return useQuery({
    queryKey: customerKeys.one(id ?? ''),
    queryFn: ({ signal }) => api('GET', `/api/customers/${id}`, { schema: CustomerDetail, signal }),
    enabled: !!id,
  });
}

export function useDuplicatePairs() {
  return useQuery({
    queryKey: customerKeys.duplicates,
    queryFn: ({ signal }) =>
      api('GET', '/api/customers/duplicates', {
        schema: z.object({ items: z.array(Pair) }),
        signal,
      }),
  });
}

export function usePools() {
  return useQuery({
    queryKey: customerKeys.pools,
    queryFn: ({ signal }) =>
      api('GET', '/api/pools', { schema: z.object({ items: z.array(Pool) }), signal }),
  });
}

/** A write that refreshes every customer query once it lands. */
function useCustomerWrite<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    meta: { silent: true },
    onSuccess: () => void qc.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

export const useClaim = () =>
  useCustomerWrite((id: string) =>
    api('POST', `/api/customers/${id}/claim`, { body: {}, schema: Customer }),
  );

export const useRelease = () =>
  useCustomerWrite((id: string) =>
    api('POST', `/api/customers/${id}/release`, { body: {}, schema: Customer }),
  );

export type MergeInput = {
  customerIds: [string, string];
  survivorId?: string;
  pick?: Partial<Record<MergeField, string>>;
  dryRun?: boolean;
};

export const useMerge = () =>
  useCustomerWrite((body: MergeInput) =>
    api('POST', '/api/customers/merge', { body, schema: MergePlan }),
  );

export const useUnmerge = () =>
  useCustomerWrite((id: string) => api('POST', `/api/customers/${id}/unmerge`, { body: {} }));

export const useUpdatePool = () =>
  useCustomerWrite((p: { id: string; rules: PoolRules; policies: Pool['policies'] }) =>
    api('PUT', `/api/pools/${p.id}`, {
      body: { rules: p.rules, policies: p.policies },
      schema: Pool,
    }),
  );
