/**
 * Customers, the 公海 pool and the duplicates queue: query keys and hooks, and the writes
 * (claim, release, merge, unmerge, pool rules), typed from the generated API contract.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, ok, type Schemas } from '../../shared/api/client.ts';
import type { operations } from '../../shared/api/openapi.d.ts';

export type Customer = Schemas['Customer'];
export type CustomerDetail = Schemas['CustomerDetail'];
export type PoolRules = Schemas['PoolRules'];
export type Pool = Schemas['Pool'];
export type DuplicatePair = Schemas['DuplicateCustomerPair'];
export type MergePlan = Schemas['MergePlan'];

export const POLICIES = ['block', 'block-protected', 'attach', 'create'] as const;
export const CHANNELS = ['manual', 'api', 'import', 'form', 'push'] as const;

export const MERGE_FIELDS = ['name', 'kind', 'uscc', 'source', 'region', 'industry'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

type ListQuery = NonNullable<operations['listCustomers']['parameters']['query']>;
type PoolQuery = NonNullable<operations['listPoolCustomers']['parameters']['query']>;

export const customerKeys = {
  all: ['customers'] as const,
  list: (q: Record<string, string>) => ['customers', 'list', q] as const,
  one: (id: string) => ['customers', 'one', id] as const,
  pool: (q: Record<string, string>) => ['customers', 'pool', q] as const,
  duplicates: ['customers', 'duplicates'] as const,
  pools: ['customers', 'pools'] as const,
};

/** The filters a page holds as text, without the empty ones (the server checks each value). */
function filled<Q>(q: Record<string, string>): Q {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')) as Q;
}

export function useCustomers(q: Record<string, string>) {
  return useQuery({
    queryKey: customerKeys.list(q),
    queryFn: ({ signal }) =>
      ok(http.GET('/customers', { params: { query: filled<ListQuery>(q) }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function usePoolCustomers(q: Record<string, string>) {
  return useQuery({
    queryKey: customerKeys.pool(q),
    queryFn: ({ signal }) =>
      ok(http.GET('/pool/customers', { params: { query: filled<PoolQuery>(q) }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string | undefined) {
  return useQuery({
    queryKey: customerKeys.one(id ?? ''),
    queryFn: ({ signal }) =>
      ok(
        http.GET('/customers/{customerId}', { params: { path: { customerId: id ?? '' } }, signal }),
      ),
    enabled: !!id,
  });
}

export function useDuplicatePairs() {
  return useQuery({
    queryKey: customerKeys.duplicates,
    queryFn: ({ signal }) => ok(http.GET('/customers/duplicates', { signal })),
  });
}

export function usePools() {
  return useQuery({
    queryKey: customerKeys.pools,
    queryFn: ({ signal }) => ok(http.GET('/pools', { signal })),
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

const byId = (customerId: string) => ({ params: { path: { customerId } } });

export const useClaim = () =>
  useCustomerWrite((id: string) => ok(http.POST('/customers/{customerId}/claim', byId(id))));

export const useRelease = () =>
  useCustomerWrite((id: string) =>
    ok(http.POST('/customers/{customerId}/release', { ...byId(id), body: {} })),
  );

export type MergeInput = {
  customerIds: [string, string];
  survivorId?: string;
  pick?: Partial<Record<MergeField, string>>;
  dryRun?: boolean;
};

export const useMerge = () =>
  useCustomerWrite((body: MergeInput) => ok(http.POST('/customers/merge', { body })));

export const useUnmerge = () =>
  useCustomerWrite((id: string) => ok(http.POST('/customers/{customerId}/unmerge', byId(id))));

export const useUpdatePool = () =>
  useCustomerWrite((p: { id: string; rules: PoolRules; policies: Pool['policies'] }) =>
    ok(
      http.PUT('/pools/{poolId}', {
        params: { path: { poolId: p.id } },
        body: { rules: p.rules, policies: p.policies },
      }),
    ),
  );

export type CustomerEdit = NonNullable<
  operations['updateCustomer']['requestBody']
>['content']['application/json'];

export const useUpdateCustomer = () =>
  useCustomerWrite((p: { id: string; body: CustomerEdit }) =>
    ok(http.PATCH('/customers/{customerId}', { ...byId(p.id), body: p.body })),
  );
