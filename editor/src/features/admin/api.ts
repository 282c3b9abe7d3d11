/**
 * The admin area's server state: response schemas (every body checked), query keys and
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
import { z } from 'zod/mini';
import { ApiError, api } from '../../shared/api/client.ts';
import { Role } from '../../shared/api/queries.ts';

export { Role } from '../../shared/api/queries.ts';
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const ROLES = ['admin', 'manager', 'trainer', 'rep'] as const;

export const UserSummary = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
  locale: z.enum(['zh-CN', 'en']),
  active: z.boolean(),
  teamIds: z.array(z.string()),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const TeamSummary = z.object({
  id: z.string(),
  name: z.string(),
  managerIds: z.array(z.string()),
  memberIds: z.array(z.string()),
});
export type TeamSummary = z.infer<typeof TeamSummary>;

export const Shift = z.object({
  start: z.string(),
  end: z.string(),
  days: z.optional(z.array(z.number())),
});
export type Shift = z.infer<typeof Shift>;

export const MemberSettings = z.object({
  userId: z.string(),
  weight: z.number(),
  cap: z.optional(z.nullable(z.number())),
  leaveFrom: z.optional(z.nullable(z.string())),
  leaveUntil: z.optional(z.nullable(z.string())),
  shift: z.optional(z.nullable(Shift)),
});
export type MemberSettings = z.infer<typeof MemberSettings>;

export const TeamDetail = z.object({
  id: z.string(),
  name: z.string(),
  shared: z.boolean(),
  managerIds: z.array(z.string()),
  members: z.array(MemberSettings),
});
export type TeamDetail = z.infer<typeof TeamDetail>;

export const InviteOut = z.object({ token: z.string(), url: z.string(), expiresAt: z.string() });
export type InviteOut = z.infer<typeof InviteOut>;

export const AcceptOut = z.object({
  userId: z.string(),
  email: z.string(),
  workspaceId: z.string(),
});

export const HandOverResult = z.object({
  moved: z.array(
    z.object({
      recordId: z.string(),
      from: z.nullable(z.string()),
      to: z.nullable(z.string()),
      version: z.number(),
    }),
  ),
  deactivated: z.boolean(),
});
export type HandOverResult = z.infer<typeof HandOverResult>;

export const TOKEN_SCOPES = ['read', 'write', 'intake'] as const;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.nullable(z.string()),
  createdByName: z.nullable(z.string()),
  createdAt: z.number(),
  expiresAt: z.nullable(z.number()),
  lastUsedAt: z.nullable(z.number()),
  revokedAt: z.nullable(z.number()),
  suspended: z.optional(z.boolean()),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const TokenCreated = z.object({ token: ApiToken, secret: z.string() });
export type TokenCreated = z.infer<typeof TokenCreated>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.number(),
  actorType: z.enum(['user', 'token', 'system']),
  actorId: z.nullable(z.string()),
  actorName: z.nullable(z.string()),
  action: z.string(),
  targetType: z.nullable(z.string()),
  targetId: z.nullable(z.string()),
  detail: z.record(z.string(), z.unknown()),
  ip: z.nullable(z.string()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditPage = z.object({
  items: z.array(AuditEntry),
  nextCursor: z.nullable(z.string()),
});

export type AuditFilters = { action?: string; actorId?: string; from?: number; to?: number };

export const adminKeys = {
  all: ['admin'] as const,
  users: ['admin', 'users'] as const,
  teams: ['admin', 'teams'] as const,
  team: (id: string) => ['admin', 'teams', id] as const,
  openCount: (userId: string) => ['admin', 'open-records', userId] as const,
  tokens: ['admin', 'tokens'] as const,
  audit: (f: AuditFilters) => ['admin', 'audit', f] as const,
};

const enc = encodeURIComponent;

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
    queryFn: ({ signal }) =>
      api('GET', '/api/users', { schema: z.object({ items: z.array(UserSummary) }), signal }),
    select: (d) => d.items,
    meta: { silent: true },
  });
}

export function useAdminTeams() {
  return useQuery({
    queryKey: adminKeys.teams,
    queryFn: ({ signal }) =>
      api('GET', '/api/teams', { schema: z.object({ items: z.array(TeamSummary) }), signal }),
    select: (d) => d.items,
    meta: { silent: true },
  });
}

export function useTeam(teamId: string) {
  return useQuery({
    queryKey: adminKeys.team(teamId),
    queryFn: ({ signal }) =>
      api('GET', `/api/admin/teams/${enc(teamId)}`, { schema: TeamDetail, signal }),
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
      const r = await api(
        'GET',
        `/api/records?ownerId=${enc(userId ?? '')}&status=open&limit=200`,
        {
          schema: z.object({ items: z.array(z.unknown()), nextCursor: z.nullable(z.string()) }),
          signal,
        },
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
  return useMutation({
    mutationFn: (input: InviteInput) =>
      api('POST', '/api/invites', { body: input, schema: InviteOut }),
    meta: { silent: true },
  });
}

export function useAcceptInvite() {
  return useMutation({
    mutationFn: async (input: { token: string; password: string; name?: string }) => {
      const made = await api('POST', '/api/invites/accept', { body: input, schema: AcceptOut });
      // the account exists now: sign in with the password just chosen
      await api('POST', '/api/auth/login', {
        body: { email: made.email, password: input.password },
      });
      return made;
    },
    meta: { silent: true },
  });
}

export type UserPatch = { role?: Role; name?: string; locale?: Locale };

export function useUpdateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ userId, patch }: { userId: string; patch: UserPatch }) =>
      api('PATCH', `/api/users/${enc(userId)}`, { body: patch, schema: UserSummary }),
    onSuccess: () => invalidate(adminKeys.users),
    meta: { silent: true },
  });
}

export type HandoverTo = 'team-rule' | { userId: string };

export function useDeactivateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ userId, handoverTo }: { userId: string; handoverTo?: HandoverTo }) =>
      api('POST', `/api/users/${enc(userId)}/deactivate`, {
        body: handoverTo ? { handoverTo } : {},
        schema: HandOverResult,
      }),
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
    mutationFn: (input: TeamInput) =>
      api('POST', '/api/teams', { body: input, schema: TeamDetail }),
    onSuccess: () => invalidate(),
    meta: { silent: true },
  });
}

export type TeamPatch = Partial<Omit<TeamInput, 'id'>>;

export function useUpdateTeam(teamId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: TeamPatch) =>
      api('PATCH', `/api/teams/${enc(teamId)}`, { body: patch, schema: TeamDetail }),
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
    queryFn: ({ signal }) =>
      api('GET', '/api/admin/tokens', { schema: z.object({ items: z.array(ApiToken) }), signal }),
    select: (d) => d.items,
    meta: { silent: true },
    retry: false,
  });
}

export type TokenInput = { name: string; scopes: string[]; expiresAt?: number };

export function useCreateToken() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: TokenInput) =>
      api('POST', '/api/admin/tokens', { body: input, schema: TokenCreated }),
    onSuccess: () => invalidate(adminKeys.tokens),
    meta: { silent: true },
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (tokenId: string) =>
      api('POST', `/api/admin/tokens/${enc(tokenId)}/revoke`, { schema: ApiToken }),
    onSuccess: () => invalidate(adminKeys.tokens),
    meta: { silent: true },
  });
}

export const AUDIT_PAGE = 50;

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams();
      if (filters.action) q.set('action', filters.action);
      if (filters.actorId) q.set('actorId', filters.actorId);
      if (filters.from !== undefined) q.set('from', String(filters.from));
      if (filters.to !== undefined) q.set('to', String(filters.to));
      if (pageParam) q.set('cursor', pageParam);
      q.set('limit', String(AUDIT_PAGE));
      return api('GET', `/api/admin/audit?${q}`, { schema: AuditPage, signal });
    },
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    meta: { silent: true },
    retry: false,
  });
}
