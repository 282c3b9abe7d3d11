/**
 * Who is in the workspace and what time it is there: the people and teams directory and the
 * workspace clock, read by the rep pages, the simulator and training.
 */
import { useQuery } from '@tanstack/react-query';
import { type Answered, http, ok, type Schemas } from './client.ts';
import type { Role } from './queries.ts';

/** A person in the workspace; the server sends one of the four roles as a plain string. */
export type DirectoryUser = Omit<Schemas['UserSummary'], 'role'> & { role: Role };
export type Team = Answered<'/teams', 'get'>['items'][number];
export type WorkspaceCalendar = Schemas['Calendar'];

export const directoryKeys = {
  users: ['rep', 'users'] as const,
  teams: ['rep', 'teams'] as const,
  time: ['rep', 'time'] as const,
};

export function useUsers() {
  return useQuery({
    queryKey: directoryKeys.users,
    queryFn: ({ signal }) => ok(http.GET('/users', { signal })),
    staleTime: 5 * 60_000,
    select: (d) => d.items as DirectoryUser[],
  });
}

export function useTeams(enabled = true) {
  return useQuery({
    queryKey: directoryKeys.teams,
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/teams', { signal })),
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}

/** Server time minus this device's time, so deadlines count on the workspace's clock. */
export function useWorkspaceTime() {
  return useQuery({
    queryKey: directoryKeys.time,
    queryFn: async ({ signal }) => {
      const started = Date.now();
      const r = await ok(http.GET('/workspace-time', { signal }));
      const mid = (started + Date.now()) / 2;
      return { offsetMs: r.now - mid, calendar: r.calendar, testClock: r.testClock };
    },
    staleTime: 5 * 60_000,
    meta: { silent: true },
  });
}
