/**
 * The chat-channels tab's server state: the group robots, and the writes (add, switch on/off,
 * delete, send a test message). Writes invalidate the `admin/channels` key.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, ok, type Schemas } from '../../shared/api/client.ts';

export type ChatChannel = Schemas['ChatChannel'];
export type ChannelKind = ChatChannel['kind'];
export const CHANNEL_KINDS: ChannelKind[] = ['wecom', 'dingtalk', 'feishu'];

const key = ['admin', 'channels'] as const;

export function useChannels() {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => ok(http.GET('/admin/channels', { signal })),
    select: (d) => d.items,
    meta: { silent: true },
    retry: false,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: key });
}

export function useCreateChannel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: {
      kind: ChannelKind;
      name: string;
      url: string;
      secret?: string | null;
      keyword?: string | null;
    }) => ok(http.POST('/admin/channels', { body })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useSwitchChannel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: string; enabled: boolean }) =>
      ok(
        http.PATCH('/admin/channels/{channelId}', {
          params: { path: { channelId: v.id } },
          body: { enabled: v.enabled },
        }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useDeleteChannel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      ok(http.DELETE('/admin/channels/{channelId}', { params: { path: { channelId: id } } })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export function useTestChannel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      ok(http.POST('/admin/channels/{channelId}/test', { params: { path: { channelId: id } } })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}
