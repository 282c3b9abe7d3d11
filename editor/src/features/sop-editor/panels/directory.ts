/** Teams and users for owner rules and escalations. */
import { useQuery } from '@tanstack/react-query';
import { http, ok } from '../../../shared/api/client.ts';

export type DirectoryEntry = { id: string; name?: string; email?: string };

function useDirectory(kind: 'users' | 'teams') {
  return useQuery({
    queryKey: ['directory', kind],
    queryFn: async ({ signal }) => {
      const r = await ok(http.GET(kind === 'users' ? '/users' : '/teams', { signal }));
      return r.items as DirectoryEntry[];
    },
    staleTime: 5 * 60_000,
    meta: { silent: true },
  });
}

export const useTeams = () => useDirectory('teams');
export const useUsers = () => useDirectory('users');

export function toOptions(list: DirectoryEntry[] | undefined) {
  return (list ?? []).map((e) => ({ value: e.id, label: e.name ?? e.email ?? e.id }));
}
