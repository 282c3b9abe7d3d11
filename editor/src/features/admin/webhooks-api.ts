/**
 * The webhooks tab's server state: endpoints, their delivery log (keyset pages), and the
 * writes (create, update, rotate, delete, test, resend, replay). Writes invalidate the
 * `admin/webhooks` keys.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Answered, http, ok, type Schemas } from '../../shared/api/client.ts';

export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookCreated = Answered<'/admin/webhooks', 'post'>;

/** The event types an endpoint may subscribe to (the server's WEBHOOK_EVENT_TYPES). */
export const WEBHOOK_EVENTS = [
  'record.created',
  'record.stage-changed',
  'record.reassigned',
  'record.overdue',
  'record.escalated',
  'record.closed',
  'record.reopened',
  'record.updated',
  'customer.pool-warning',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const keys = {
  all: ['admin', 'webhooks'] as const,
  log: (id: string) => ['admin', 'webhooks', id, 'log'] as const,
};

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: keys.all });
}

export function useWebhooks() {
  return useQuery({
    queryKey: keys.all,
    queryFn: ({ signal }) => ok(http.GET('/admin/webhooks', { signal })),
    select: (d) => d.items,
    meta: { silent: true },
    retry: false,
  });
}

export type WebhookInput = {
  url?: string;
  description?: string;
  eventTypes?: WebhookEvent[];
  enabled?: boolean;
};

export function useCreateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: WebhookInput & { url: string }) =>
      ok(http.POST('/admin/webhooks', { body })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: WebhookInput & { id: string }) =>
      ok(
        http.PATCH('/admin/webhooks/{endpointId}', { params: { path: { endpointId: id } }, body }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useRotateWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      ok(
        http.POST('/admin/webhooks/{endpointId}/rotate-secret', {
          params: { path: { endpointId: id } },
        }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useDeleteWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      ok(http.DELETE('/admin/webhooks/{endpointId}', { params: { path: { endpointId: id } } })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useTestWebhook() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      ok(http.POST('/admin/webhooks/{endpointId}/test', { params: { path: { endpointId: id } } })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useResendDelivery(endpointId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      ok(
        http.POST('/admin/webhooks/{endpointId}/deliveries/{deliveryId}/resend', {
          params: { path: { endpointId, deliveryId } },
        }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useReplayDeliveries(endpointId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (since: number) =>
      ok(
        http.POST('/admin/webhooks/{endpointId}/replay', {
          params: { path: { endpointId } },
          body: { since },
        }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

/** The delivery log, 50 at a time; refreshed every few seconds while open. */
export function useDeliveryLog(endpointId: string | null) {
  return useInfiniteQuery({
    queryKey: keys.log(endpointId ?? ''),
    enabled: !!endpointId,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      ok(
        http.GET('/admin/webhooks/{endpointId}/deliveries', {
          params: {
            path: { endpointId: endpointId ?? '' },
            query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 3000,
    meta: { silent: true },
    retry: false,
  });
}
