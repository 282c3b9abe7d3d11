/**
 * The rep workspace's server state: response schemas (every body checked), query keys and
 * TanStack Query hooks for next actions, records, history, notifications and the directory,
 * plus `sendCommand`, the one write path, which carries an Idempotency-Key.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { ApiError, api, ProblemDetails } from '../../shared/api/client.ts';
import { FieldValue, GateFailure, Localized, OpenAction } from '../../shared/api/schemas.ts';
import { i18n } from '../../shared/i18n/index.ts';

export { FieldValue, GateFailure, Localized, OpenAction } from '../../shared/api/schemas.ts';
export type Fields = Record<string, FieldValue>;

export const FieldType = z.enum([
  'text',
  'longText',
  'number',
  'money',
  'date',
  'datetime',
  'select',
  'multiSelect',
  'phone',
  'email',
  'user',
  'boolean',
  'url',
]);
export type FieldType = z.infer<typeof FieldType>;

export const FieldDef = z.object({
  key: z.string(),
  type: FieldType,
  label: Localized,
  options: z.optional(z.array(z.object({ value: z.string(), label: Localized }))),
  capture: z.optional(z.boolean()),
});
export type FieldDef = z.infer<typeof FieldDef>;

export const StageMeta = z.object({
  title: Localized,
  instructions: z.optional(Localized),
  script: z.optional(Localized),
  checklist: z.optional(z.array(z.object({ id: z.string(), label: Localized }))),
  fields: z.optional(z.array(z.string())),
  sla: z.optional(
    z.object({
      duration: z.string(),
      clock: z.optional(z.enum(['wall', 'working'])),
      dueField: z.optional(z.string()),
    }),
  ),
  outcome: z.optional(z.enum(['won', 'lost', 'done'])),
});
export type StageMeta = z.infer<typeof StageMeta>;

export { type StateNode, stateNodeOf } from './state-node.ts';

/** A stage's meta, or null when it has none (or it does not parse). */
export function stageMetaOf(meta: unknown): StageMeta | null {
  const r = StageMeta.safeParse(meta);
  return r.success ? r.data : null;
}

const Timer = z.object({
  id: z.string(),
  stage: z.string(),
  rung: z.number(),
  kind: z.string(),
  dueAt: z.number(),
});

export const RecordView = z.object({
  id: z.string(),
  sopId: z.string(),
  sopVersion: z.number(),
  status: z.enum(['open', 'won', 'lost', 'done']),
  value: z.unknown(),
  fields: z.record(z.string(), FieldValue),
  ownerId: z.nullable(z.string()),
  teamId: z.nullable(z.string()),
  stages: z.record(
    z.string(),
    z.object({
      enteredAt: z.number(),
      entry: z.number(),
      fieldsAtEntry: z.optional(z.record(z.string(), FieldValue)),
    }),
  ),
  checklist: z.record(z.string(), z.array(z.string())),
  timers: z.array(Timer),
  dueAt: z.nullable(z.number()),
  lostReason: z.nullable(z.string()),
  version: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  activeStages: z.array(z.string()),
  currentStages: z.array(z.string()),
  overdue: z.boolean(),
});
export type RecordView = z.infer<typeof RecordView>;

export const StageInfo = z.object({
  id: z.string(),
  key: z.string(),
  parentId: z.nullable(z.string()),
  type: z.string(),
  depth: z.number(),
  final: z.boolean(),
  outcome: z.optional(z.string()),
  meta: z.optional(z.unknown()),
  children: z.array(z.string()),
});
export type StageInfo = z.infer<typeof StageInfo>;

export const RecordPage = z.object({
  record: RecordView,
  sop: z.object({
    sopId: z.string(),
    version: z.number(),
    name: Localized,
    fields: z.array(FieldDef),
  }),
  stages: z.array(StageInfo),
  openActions: z.array(OpenAction),
});
export type RecordPage = z.infer<typeof RecordPage>;

export const CommandResult = z.object({
  record: RecordView,
  sop: z.object({ sopId: z.string(), version: z.number() }),
  openActions: z.array(OpenAction),
  events: z.array(z.object({ id: z.string(), type: z.string() })),
});
export type CommandResult = z.infer<typeof CommandResult>;

export const NextAction = z.object({
  record: RecordView,
  sop: z.object({ sopId: z.string(), version: z.number(), name: Localized }),
  stages: z.array(z.object({ id: z.string(), title: Localized, meta: z.optional(z.unknown()) })),
  dueAt: z.nullable(z.number()),
  overdue: z.boolean(),
  actions: z.array(OpenAction),
});
export type NextAction = z.infer<typeof NextAction>;

export const RecordEvent = z.object({
  id: z.string(),
  seq: z.number(),
  type: z.string(),
  at: z.number(),
  actorId: z.string(),
  version: z.number(),
  data: z.record(z.string(), z.unknown()),
});
export type RecordEvent = z.infer<typeof RecordEvent>;

export const Notification = z.object({
  id: z.string(),
  recordId: z.nullable(z.string()),
  record: z.nullable(z.object({ title: z.string(), subtitle: z.string() })),
  kind: z.string(),
  message: Localized,
  createdAt: z.nullable(z.number()),
  readAt: z.nullable(z.number()),
});
export type Notification = z.infer<typeof Notification>;

export const DirectoryUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  active: z.boolean(),
  teamIds: z.array(z.string()),
});
export type DirectoryUser = z.infer<typeof DirectoryUser>;

export const Team = z.object({
  id: z.string(),
  name: z.string(),
  managerIds: z.array(z.string()),
  memberIds: z.array(z.string()),
});
export type Team = z.infer<typeof Team>;

export const DuplicateMatch = z.object({
  matchedOn: z.array(z.enum(['phone', 'email', 'company'])),
  visible: z.boolean(),
  ownerName: z.nullable(z.string()),
  record: z.optional(
    z.object({
      id: z.string(),
      sopId: z.string(),
      sopName: Localized,
      status: z.string(),
      stages: z.array(Localized),
      ownerId: z.nullable(z.string()),
      name: z.nullable(z.string()),
      company: z.nullable(z.string()),
      createdAt: z.nullable(z.number()),
    }),
  ),
});
export type DuplicateMatch = z.infer<typeof DuplicateMatch>;

const SopSummary = z.object({
  sopId: z.string(),
  name: Localized,
  publishedVersion: z.nullable(z.number()),
});
export type PublishedSop = { sopId: string; name: Localized; version: number };

const SopVersionDoc = z.object({
  sopId: z.string(),
  version: z.number(),
  doc: z.object({
    id: z.string(),
    version: z.number(),
    name: Localized,
    fields: z.array(FieldDef),
    machine: z.object({
      initial: z.optional(z.string()),
      type: z.optional(z.string()),
      states: z.record(z.string(), z.unknown()),
    }),
  }),
});
export type SopVersionDoc = z.infer<typeof SopVersionDoc>['doc'];

const Calendar = z.object({
  utcOffsetMinutes: z.number(),
  workStart: z.string(),
  workEnd: z.string(),
  weekend: z.array(z.number()),
  holidays: z.array(z.string()),
  workdays: z.array(z.string()),
});
export type WorkspaceCalendar = z.infer<typeof Calendar>;

const WorkspaceTime = z.object({ now: z.number(), calendar: Calendar, testClock: z.boolean() });

export type NextFilters = { sopId?: string; stage?: string; overdue?: boolean; q?: string };
export type TeamFilters = NextFilters & { ownerId?: string };

export const repKeys = {
  all: ['rep'] as const,
  next: (f: NextFilters = {}) => ['rep', 'next', f] as const,
  nextAll: ['rep', 'next'] as const,
  team: (f: TeamFilters = {}) => ['rep', 'team', f] as const,
  teamAll: ['rep', 'team'] as const,
  record: (id: string) => ['rep', 'record', id] as const,
  events: (id: string) => ['rep', 'events', id] as const,
  notifications: ['rep', 'notifications'] as const,
  users: ['rep', 'users'] as const,
  teams: ['rep', 'teams'] as const,
  sops: ['rep', 'sops'] as const,
  sopVersion: (sopId: string, version: number) => ['rep', 'sop', sopId, version] as const,
  time: ['rep', 'time'] as const,
  duplicates: (q: DuplicateQuery) => ['rep', 'duplicates', q] as const,
};

function query(params: Record<string, string | number | boolean | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '' || v === false) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function useNextActions(filters: NextFilters, enabled = true) {
  return useQuery({
    queryKey: repKeys.next(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      api('GET', `/api/next-actions${query({ ...filters, limit: 200 })}`, {
        schema: z.object({ items: z.array(NextAction) }),
        signal,
      }),
  });
}

export function useTeamRecords(filters: TeamFilters, enabled: boolean) {
  return useQuery({
    queryKey: repKeys.team(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      api('GET', `/api/records${query({ ...filters, status: 'open', limit: 200 })}`, {
        schema: z.object({ items: z.array(RecordView), nextCursor: z.nullable(z.string()) }),
        signal,
      }),
  });
}

export function useRecordPage(recordId: string, opts: { silent?: boolean } = {}) {
  return useQuery({
    queryKey: repKeys.record(recordId),
    queryFn: ({ signal }) =>
      api('GET', `/api/records/${encodeURIComponent(recordId)}`, { schema: RecordPage, signal }),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    ...(opts.silent ? { meta: { silent: true } } : {}),
  });
}

export function useRecordEvents(recordId: string) {
  return useQuery({
    queryKey: repKeys.events(recordId),
    queryFn: ({ signal }) =>
      api('GET', `/api/records/${encodeURIComponent(recordId)}/events`, {
        schema: z.object({ items: z.array(RecordEvent) }),
        signal,
      }),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
}

export function useNotifications(enabled = true) {
  return useQuery({
    queryKey: repKeys.notifications,
    enabled,
    queryFn: ({ signal }) =>
      api('GET', '/api/notifications?limit=100', {
        schema: z.object({ items: z.array(Notification), unread: z.number() }),
        signal,
      }),
    staleTime: 30_000,
    meta: { silent: true },
  });
}

export function markNotificationRead(id: string) {
  return api('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
}

export function useUsers() {
  return useQuery({
    queryKey: repKeys.users,
    queryFn: ({ signal }) =>
      api('GET', '/api/users', { schema: z.object({ items: z.array(DirectoryUser) }), signal }),
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}

export function useTeams(enabled = true) {
  return useQuery({
    queryKey: repKeys.teams,
    enabled,
    queryFn: ({ signal }) =>
      api('GET', '/api/teams', { schema: z.object({ items: z.array(Team) }), signal }),
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}

/** The workspace's SOPs that have a published version (what a record can start on). */
export function usePublishedSops() {
  return useQuery({
    queryKey: repKeys.sops,
    queryFn: async ({ signal }) => {
      const r = await api('GET', '/api/sops', {
        schema: z.object({ items: z.array(SopSummary) }),
        signal,
      });
      const out: PublishedSop[] = [];
      for (const s of r.items) {
        if (s.publishedVersion !== null)
          out.push({ sopId: s.sopId, name: s.name, version: s.publishedVersion });
      }
      return out;
    },
    staleTime: 60_000,
  });
}

/** One published SOP version's document (immutable, so cached for good). */
export function useSopVersion(sopId: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: repKeys.sopVersion(sopId ?? '', version ?? 0),
    enabled: !!sopId && !!version,
    queryFn: async ({ signal }) =>
      (
        await api('GET', `/api/sops/${encodeURIComponent(sopId ?? '')}/versions/${version ?? 0}`, {
          schema: SopVersionDoc,
          signal,
        })
      ).doc,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
  });
}

/** A published version's raw document, for the engine to parse and compile in the browser. */
export function useSopDocument(sopId: string, version: number) {
  return useQuery({
    queryKey: ['rep', 'sop-doc', sopId, version] as const,
    queryFn: async ({ signal }) =>
      (
        await api('GET', `/api/sops/${encodeURIComponent(sopId)}/versions/${version}`, {
          schema: z.object({ doc: z.unknown() }),
          signal,
        })
      ).doc,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
    meta: { silent: true },
  });
}

/** Server time minus this device's time, so deadlines count on the workspace's clock. */
export function useWorkspaceTime() {
  return useQuery({
    queryKey: repKeys.time,
    queryFn: async ({ signal }) => {
      const started = Date.now();
      const r = await api('GET', '/api/workspace-time', { schema: WorkspaceTime, signal });
      const mid = (started + Date.now()) / 2;
      return { offsetMs: r.now - mid, calendar: r.calendar, testClock: r.testClock };
    },
    staleTime: 5 * 60_000,
    meta: { silent: true },
  });
}

export type DuplicateQuery = { phone?: string; email?: string; company?: string };

export function useDuplicates(q: DuplicateQuery) {
  const enabled = !!(q.phone || q.email || q.company);
  return useQuery({
    queryKey: repKeys.duplicates(q),
    enabled,
    queryFn: ({ signal }) =>
      api('GET', `/api/duplicates${query(q)}`, {
        schema: z.object({ matches: z.array(DuplicateMatch) }),
        signal,
      }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    meta: { silent: true },
  });
}

// ---------------------------------------------------------------- writes

/** A write that did not get an answer (offline, timeout, 5xx): safe to retry with its key. */
export class NetworkFailure extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'NetworkFailure';
    this.status = status;
  }
}

/** A refused command (4xx): its problem+json, with the whole body (record, failures). */
export class CommandRefused extends ApiError {
  constructor(problem: ApiError['problem'], status: number, body: unknown) {
    super(problem, status, body);
    this.name = 'CommandRefused';
  }
}

/** The whole problem body of a refused request (ApiError's `problem` keeps only RFC 9457 members). */
function problemBodyOf(error: unknown): unknown {
  return error instanceof ApiError ? error.body : undefined;
}

export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Sends one command with an Idempotency-Key. A repeat with the same key and body returns the
 * first answer, so a retry after a lost response never applies the command twice.
 * Throws `ApiError` for problem+json answers (4xx), `NetworkFailure` when there was none.
 */
export async function sendCommand(
  method: 'POST' | 'PATCH',
  path: string,
  body: unknown,
  idempotencyKey: string,
  timeoutMs = 20_000,
): Promise<unknown> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json, application/problem+json',
        'accept-language': i18n.language,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
      signal: ctl.signal,
    });
  } catch (e) {
    throw new NetworkFailure(e instanceof Error ? e.message : String(e), null);
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text().catch(() => '');
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    throw new NetworkFailure(res.statusText || String(res.status), res.status);
  }
  if (!res.ok) {
    const parsed = ProblemDetails.safeParse(data);
    throw new CommandRefused(
      parsed.success ? parsed.data : { title: res.statusText || 'Error', status: res.status },
      res.status,
      data,
    );
  }
  return data;
}

/** The current record a 409 stale-version problem carries, when it carries one. */
export function staleRecordOf(error: unknown): RecordView | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const r = z.object({ record: RecordView }).safeParse(problemBodyOf(error));
  return r.success ? r.data.record : null;
}

/** The failed conditions a 422 gate-failed problem carries. */
export function gateFailuresOf(error: unknown): GateFailure[] | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const r = z.object({ failures: z.array(GateFailure) }).safeParse(problemBodyOf(error));
  return r.success ? r.data.failures : null;
}

/** Field problems of a 422 invalid-fields answer: field key → message. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    const r = z
      .object({ message: z.string(), fields: z.optional(z.array(z.string())) })
      .safeParse(e);
    if (!r.success) continue;
    for (const f of r.data.fields ?? []) out[f] = r.data.message;
  }
  return out;
}
