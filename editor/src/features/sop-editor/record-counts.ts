/** Open records per stage (leaf stage id → count), for the canvas and delete confirmations. */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { http, ok } from '../../shared/api/client.ts';
import type { EditorStore } from './store.ts';

const MAX_PAGES = 20;

export function useRecordCounts(store: EditorStore) {
  const sopId = store.getState().sopId;
  const q = useQuery({
    queryKey: ['sops', sopId, 'record-counts'],
    queryFn: async ({ signal }) => {
      const counts: Record<string, number> = {};
      let cursor: string | null | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await ok(
          http.GET('/records', {
            params: {
              query: { sopId, status: 'open', limit: 200, ...(cursor ? { cursor } : {}) },
            },
            signal,
          }),
        );
        for (const item of r.items) {
          for (const s of item.currentStages ?? []) counts[s] = (counts[s] ?? 0) + 1;
        }
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      return counts;
    },
    staleTime: 30_000,
    meta: { silent: true },
  });
  useEffect(() => {
    if (q.data) store.actions.setRecordCounts(q.data);
  }, [q.data, store]);
}
