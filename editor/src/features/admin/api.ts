/**
 * The admin area's server state: types from the generated API contract, query keys and
 * TanStack Query hooks for users, invitations, teams with routing settings, API tokens and
 * the audit log. Writes invalidate the `admin` keys they change.
 */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type Answered, ApiError, http, ok, type Schemas } from '../../shared/api/client.ts';
import type { Role } from '../../shared/api/queries.ts';

export { ROLES, type Role } from '../../shared/api/queries.ts';
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export type UserSummary = import('../../shared/api/directory.ts').DirectoryUser;
export type TeamSummary = Answered<'/teams', 'get'>['items'][number];
export type Shift = Schemas['Shift'];
export type MemberSettings = Schemas['MemberSettings'];
export type TeamDetail = Schemas['TeamDetail'];
export type InviteOut = Answered<'/invites', 'post'>;
export type PendingInvite = Answered<'/invites', 'get'>['items'][number];
export type HandOverResult = Schemas['HandOverResult'];
/** The scopes an API token can carry (the server's TOKEN_SCOPES). */
export const TOKEN_SCOPES = ['read', 'write', 'intake'] as const;
export type ApiToken = Schemas['ApiToken'];
export type TokenCreated = Answered<'/admin/tokens', 'post'>;
export type AuditEntry = Schemas['AuditEntry'];

export type AuditFilters = { action?: string; actorId?: string; from?: number; to?: number };

export const adminKeys = {
  all: ['admin'] as const,
  users: ['admin', 'users'] as const,
  invites: ['admin', 'invites'] as const,
  teams: ['admin', 'teams'] as const,
  team: (id: string) => ['admin', 'teams', id] as const,
  openCount: (userId: string) => ['admin', 'open-records', userId] as const,
  tokens: ['admin', 'tokens'] as const,
  audit: (f: AuditFilters) => ['admin', 'audit', f] as const,
};

/** Whether an error means "this server has no such route yet" (the token and audit API). */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** Whether a problem+json error has this `type` code (the server sends a URI-ish code). */
export function isProblem(error: unknown, code: string): boolean {
  if (!(error instanceof ApiError)) return false;
  const type = error.problem.type ?? '';
  return type === code || type.endsWith(`/${code}`) || type.endsWith(`:${code}`);
}

export function useAdminUsers() {
  return useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => ok(http.GET('/users', { signal })),
    select: (d) => d.items as UserSummary[],
    meta: { silent: true },
  });
}

export function useAdminTeams() {
  return useQuery({
    queryKey: adminKeys.teams,
    queryFn: ({ signal }) => ok(http.GET('/teams', { signal })),
    select: (d) => d.items,
    meta: { silent: true },
  });
}

export function useTeam(teamId: string) {
  return useQuery({
    queryKey: adminKeys.team(teamId),
    queryFn: ({ signal }) =>
      ok(http.GET('/admin/teams/{teamId}', { params: { path: { teamId } }, signal })),
    meta: { silent: true },
    retry: (n, e) => !(e instanceof ApiError) && n < 2,
  });
}

/** How many open records a user owns (up to 200; `more` when there are further pages). */
export function useOpenRecordCount(userId: string | null) {
  return useQuery({
    queryKey: adminKeys.openCount(userId ?? ''),
    enabled: userId !== null,
    queryFn: async ({ signal }) => {
      const r = await ok(
        http.GET('/records', {
          params: { query: { ownerId: userId ?? '', status: 'open', limit: 200 } },
          signal,
        }),
      );
      return { count: r.items.length, more: r.nextCursor !== null };
    },
    staleTime: 0,
    meta: { silent: true },
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return (key: readonly unknown[] = adminKeys.all) => qc.invalidateQueries({ queryKey: key });
}

export type InviteInput = { email: string; name: string; role: Role; locale?: Locale };

export function useInviteUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: InviteInput) => ok(http.POST('/invites', { body: input })),
    onSuccess: () => invalidate(adminKeys.invites),
    meta: { silent: true },
  });
}

export function usePendingInvites() {
  return useQuery({
    queryKey: adminKeys.invites,
    queryFn: ({ signal }) => ok(http.GET('/invites', { signal })),
    meta: { silent: true },
  });
}

export function useResendInvite() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (inviteId: string) =>
      ok(http.POST('/invites/{inviteId}/resend', { params: { path: { inviteId } } })),
    onSuccess: () => invalidate(adminKeys.invites),
    meta: { silent: true },
  });
}

export function useRevokeInvite() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (inviteId: string) =>
      ok(http.DELETE('/invites/{inviteId}', { params: { path: { inviteId } } })),
    onSuccess: () => invalidate(adminKeys.invites),
    meta: { silent: true },
  });
}

export function useAcceptInvite() {
  return useMutation({
    mutationFn: async (input: { token: string; password: string; name?: string }) => {
      const made = await ok(http.POST('/invites/accept', { body: input }));
      // the account exists now: sign in with the password just chosen
      await ok(http.POST('/auth/login', { body: { email: made.email, password: input.password } }));
      return made;
    },
    meta: { silent: true },
  });
}

export type UserPatch = { role?: Role; name?: string; locale?: Locale; mobile?: string | null };

export function useUpdateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ userId, patch }: { userId: string; patch: UserPatch }) =>
      ok(http.PATCH('/users/{userId}', { params: { path: { userId } }, body: patch })),
    onSuccess: () => invalidate(adminKeys.users),
    meta: { silent: true },
  });
}

export type HandoverTo = 'team-rule' | { userId: string };

export function useDeactivateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({
      userId,
      handoverTo,
      reason,
    }: {
      userId: string;
      handoverTo?: HandoverTo;
      reason?: string;
    }) =>
      ok(
        http.POST('/users/{userId}/deactivate', {
          params: { path: { userId } },
          // the reason typed is kept in the audit log
          body: { ...(handoverTo ? { handoverTo } : {}), ...(reason ? { reason } : {}) },
        }),
      ),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export type MemberInput = {
  userId: string;
  weight?: number;
  cap?: number | null;
  leaveFrom?: string | null;
  leaveUntil?: string | null;
  shift?: Shift | null;
};

export type TeamInput = {
  id: string;
  name: string;
  shared?: boolean;
  managers?: string[];
  members?: MemberInput[];
};

export function useCreateTeam() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: TeamInput) => ok(http.POST('/teams', { body: input })),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export type TeamPatch = Partial<Omit<TeamInput, 'id'>>;

export function useUpdateTeam(teamId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: TeamPatch) =>
      ok(http.PATCH('/teams/{teamId}', { params: { path: { teamId } }, body: patch })),
    onSuccess: (team) => {
      qc.setQueryData(adminKeys.team(teamId), team);
      void qc.invalidateQueries({ queryKey: adminKeys.teams });
      void qc.invalidateQueries({ queryKey: adminKeys.users });
    },
    meta: { silent: true },
  });
}

/** A member's settings as updateTeam takes them back (unchanged fields kept as they are). */
export function memberInput(m: MemberSettings): MemberInput {
  return {
    userId: m.userId,
    weight: m.weight,
    cap: m.cap ?? null,
    leaveFrom: m.leaveFrom ?? null,
    leaveUntil: m.leaveUntil ?? null,
    shift: m.shift ?? null,
  };
}

export function useTokens() {
  return useQuery({
    queryKey: adminKeys.tokens,
    queryFn: ({ signal }) => ok(http.GET('/admin/tokens', { signal })),
    select: (d) => d.items,
    meta: { silent: true },
    retry: false,
  });
}

export type TokenInput = {
  name: string;
  scopes: Array<(typeof TOKEN_SCOPES)[number]>;
  expiresAt?: number;
};

export function useCreateToken() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: TokenInput) => ok(http.POST('/admin/tokens', { body: input })),
    onSuccess: () => invalidate(adminKeys.tokens),
    meta: { silent: true },
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (tokenId: string) =>
      ok(http.POST('/admin/tokens/{tokenId}/revoke', { params: { path: { tokenId } } })),
    onSuccess: () => invalidate(adminKeys.tokens),
    meta: { silent: true },
  });
}

export const AUDIT_PAGE = 50;

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      ok(
        http.GET('/admin/audit', {
          params: {
            query: {
              ...(filters.action ? { action: filters.action } : {}),
              ...(filters.actorId ? { actorId: filters.actorId } : {}),
              ...(filters.from !== undefined ? { from: filters.from } : {}),
              ...(filters.to !== undefined ? { to: filters.to } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
              limit: AUDIT_PAGE,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    meta: { silent: true },
    retry: false,
  });
}
