/**
 * The rep workspace's server state: types from the generated API contract, query keys and
 * TanStack Query hooks for next actions, records, history, notifications and duplicates,
 * plus `sendCommand`, the one write path, which carries an Idempotency-Key.
 */
import type { SopDocument } from '@closeloop/engine';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ApiError, http, ok, problemOf, type Schemas } from '../../shared/api/client.ts';
import { directoryKeys } from '../../shared/api/directory.ts';
import { i18n } from '../../shared/i18n/index.ts';

export {
  type DirectoryUser,
  type Team,
  useTeams,
  useUsers,
  useWorkspaceTime,
  type WorkspaceCalendar,
} from '../../shared/api/directory.ts';
export { type StageMeta, stageMetaOf } from './stage-meta.ts';
export { type StateNode, stateNodeOf } from './state-node.ts';

export type Localized = Schemas['LocalizedText'];
export type FieldValue = Schemas['FieldValue'];
export type Fields = Record<string, FieldValue>;
export type GateFailure = Schemas['GateFailure'];
export type OpenAction = Schemas['OpenAction'];
export type FieldDef = Schemas['FieldDef'];
export type FieldType = FieldDef['type'];
export type RecordView = Schemas['Record'];
export type StageInfo = Schemas['Stage'];
export type RecordPage = Schemas['RecordPage'];
export type CommandResult = Schemas['CommandResult'];
export type NextAction = Schemas['NextAction'];
/** An event as the history lists it; the presenters narrow `type` and `data` themselves. */
export type RecordEvent = {
  id: string;
  seq: number;
  type: string;
  at: number;
  actorId: string;
  version: number;
  data: Record<string, unknown>;
};
export type Notification = Schemas['Notification'];
export type DuplicateMatch = Schemas['DuplicateMatch'];
export type PublishedSop = {
  sopId: string;
  name: Localized;
  version: number;
  /** The caller starts records of it by hand (offered in quick capture). */
  startable: boolean;
  tags: string[];
  recordCount: number;
};
/** A published version's document (the API passes SOP documents through untyped). */
export type SopVersionDoc = Pick<SopDocument, 'id' | 'version' | 'name' | 'fields' | 'machine'>;

export type NextFilters = { sopId?: string; stage?: string; overdue?: boolean; q?: string };
export type TeamFilters = NextFilters & { ownerId?: string };

export const repKeys = {
  all: ['rep'] as const,
  next: (f: NextFilters = {}) => ['rep', 'next', f] as const,
  nextAll: ['rep', 'next'] as const,
  team: (f: TeamFilters = {}) => ['rep', 'team', f] as const,
  teamAll: ['rep', 'team'] as const,
  closed: (f: ClosedFilters) => ['rep', 'closed', f] as const,
  record: (id: string) => ['rep', 'record', id] as const,
  events: (id: string) => ['rep', 'events', id] as const,
  notifications: ['rep', 'notifications'] as const,
  users: directoryKeys.users,
  teams: directoryKeys.teams,
  sops: ['rep', 'sops'] as const,
  sopVersion: (sopId: string, version: number) => ['rep', 'sop', sopId, version] as const,
  time: directoryKeys.time,
  duplicates: (q: DuplicateQuery) => ['rep', 'duplicates', q] as const,
};

/** Filters as query parameters: empty ones are left out, a set flag is sent as `true`. */
function flags<T extends object>(f: T) {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || v === false) continue;
    out[k] = v === true ? 'true' : (v as string | number);
  }
  return out as { [K in keyof T]?: T[K] extends boolean | undefined ? 'true' : T[K] };
}

export function useNextActions(filters: NextFilters, enabled = true) {
  return useQuery({
    queryKey: repKeys.next(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/next-actions', { params: { query: flags({ ...filters, limit: 200 }) }, signal }),
      ),
  });
}

export function useTeamRecords(filters: TeamFilters, enabled: boolean) {
  return useQuery({
    queryKey: repKeys.team(filters),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/records', {
          params: { query: flags({ ...filters, status: 'open' as const, limit: 200 }) },
          signal,
        }),
      ),
  });
}

export function useRecordPage(recordId: string, opts: { silent?: boolean } = {}) {
  return useQuery({
    queryKey: repKeys.record(recordId),
    queryFn: ({ signal }) =>
      ok(http.GET('/records/{recordId}', { params: { path: { recordId } }, signal })),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    ...(opts.silent ? { meta: { silent: true } } : {}),
  });
}

export function useRecordEvents(recordId: string) {
  return useQuery({
    queryKey: repKeys.events(recordId),
    queryFn: ({ signal }) =>
      ok(http.GET('/records/{recordId}/events', { params: { path: { recordId } }, signal })),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
}

export function useNotifications(enabled = true) {
  return useQuery({
    queryKey: repKeys.notifications,
    enabled,
    queryFn: ({ signal }) =>
      ok(http.GET('/notifications', { params: { query: { limit: 100 } }, signal })),
    staleTime: 30_000,
    meta: { silent: true },
  });
}

export function markNotificationRead(id: string) {
  return ok(http.POST('/notifications/{id}/read', { params: { path: { id } } }));
}

/** The workspace's SOPs that have a published version (what a record can start on). */
export function usePublishedSops() {
  return useQuery({
    queryKey: repKeys.sops,
    queryFn: async ({ signal }) => {
      const r = await ok(http.GET('/sops', { signal }));
      const out: PublishedSop[] = [];
      for (const s of r.items) {
        if (s.publishedVersion !== null)
          out.push({
            sopId: s.sopId,
            name: s.name,
            version: s.publishedVersion,
            startable: s.startable,
            tags: s.tags,
            recordCount: s.recordCount,
          });
      }
      return out;
    },
    staleTime: 60_000,
  });
}

function sopVersion(sopId: string, version: number, signal: AbortSignal) {
  return ok(
    http.GET('/sops/{sopId}/versions/{version}', {
      params: { path: { sopId, version } },
      signal,
    }),
  );
}

/** One published SOP version's document (immutable, so cached for good). */
export function useSopVersion(sopId: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: repKeys.sopVersion(sopId ?? '', version ?? 0),
    enabled: !!sopId && !!version,
    queryFn: async ({ signal }) =>
      (await sopVersion(sopId ?? '', version ?? 0, signal)).doc as unknown as SopVersionDoc,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
  });
}

/** A published version's raw document, for the engine to parse and compile in the browser. */
export function useSopDocument(sopId: string, version: number) {
  return useQuery({
    queryKey: ['rep', 'sop-doc', sopId, version] as const,
    queryFn: async ({ signal }) => (await sopVersion(sopId, version, signal)).doc as unknown,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
    meta: { silent: true },
  });
}

export type DuplicateQuery = { phone?: string; email?: string; company?: string };

export function useDuplicates(q: DuplicateQuery) {
  const enabled = !!(q.phone || q.email || q.company);
  return useQuery({
    queryKey: repKeys.duplicates(q),
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/duplicates', { params: { query: flags(q) }, signal })),
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

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A member of a JSON object, or undefined when `x` is not one. */
function memberOf(x: unknown, key: string): unknown {
  return isObject(x) ? x[key] : undefined;
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
): Promise<CommandResult> {
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
    throw new CommandRefused(problemOf(res, data), res.status, data);
  }
  return data as CommandResult;
}

/** The current record a 409 stale-version problem carries, when it carries one. */
export function staleRecordOf(error: unknown): RecordView | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const record = memberOf(problemBodyOf(error), 'record');
  return isObject(record) && typeof record.id === 'string' ? (record as RecordView) : null;
}

/** The failed conditions a 422 gate-failed problem carries. */
export function gateFailuresOf(error: unknown): GateFailure[] | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const failures = memberOf(problemBodyOf(error), 'failures');
  return Array.isArray(failures) ? (failures as GateFailure[]) : null;
}

/** Field problems of a 422 invalid-fields answer: field key → message. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    const message = memberOf(e, 'message');
    const fields = memberOf(e, 'fields');
    if (typeof message !== 'string' || !Array.isArray(fields)) continue;
    for (const f of fields) if (typeof f === 'string') out[f] = message;
  }
  return out;
}

export type ClosedStatus = 'closed' | 'won' | 'lost' | 'done';
export type ClosedFilters = { status: ClosedStatus; q?: string; ownerId?: string };

/** The caller's records that are no longer open (won, lost or done), newest first, by pages. */
export function useClosedRecords(filters: ClosedFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: repKeys.closed(filters),
    enabled,
    placeholderData: keepPreviousData,
    initialPageParam: '',
    getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor ?? undefined,
    queryFn: ({ signal, pageParam }) =>
      ok(
        http.GET('/records', {
          params: {
            query: flags({ ...filters, limit: 30, ...(pageParam ? { cursor: pageParam } : {}) }),
          },
          signal,
        }),
      ),
  });
}
