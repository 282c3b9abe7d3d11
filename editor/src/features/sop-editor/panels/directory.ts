/** Teams and users for owner rules and escalations; shapes are checked loosely. */
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { api } from '../../../shared/api/client.ts';

const Entry = z.object({
  id: z.string(),
  name: z.optional(z.string()),
  email: z.optional(z.string()),
});
const List = z.union([z.array(Entry), z.object({ items: z.array(Entry) })]);
export type DirectoryEntry = z.infer<typeof Entry>;

function useDirectory(kind: 'users' | 'teams') {
  return useQuery({
    queryKey: ['directory', kind],
    queryFn: async ({ signal }) => {
      const r = await api('GET', `/api/${kind}`, { schema: List, signal });
      return Array.isArray(r) ? r : r.items;
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
