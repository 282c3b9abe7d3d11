/**
 * Response schemas and TanStack Query hooks for training: assignments and progress,
 * practice runs, the quiz. Stage meta and field definitions are checked with the engine's
 * schemas where they are used.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod/mini';
import { api } from '../../shared/api/client.ts';
import { FieldValue, GateFailure, Localized, openActionShape } from '../../shared/api/schemas.ts';

export const Role = z.enum(['admin', 'manager', 'trainer', 'rep']);

export const Progress = z.object({
  pathsWalked: z.number(),
  pathsTotal: z.number(),
  walkedPaths: z.array(z.string()),
  quizPassed: z.boolean(),
  quizAttempts: z.number(),
  quizBestScore: z.nullable(z.number()),
  percent: z.number(),
  complete: z.boolean(),
  completedAt: z.nullable(z.number()),
});
export type Progress = z.infer<typeof Progress>;

export const Assignment = z.object({
  id: z.string(),
  sop: z.object({ sopId: z.string(), version: z.number(), name: Localized }),
  user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  assignedBy: z.object({ id: z.string(), name: z.string() }),
  dueAt: z.nullable(z.number()),
  overdue: z.boolean(),
  createdAt: z.number(),
  progress: Progress,
});
export type Assignment = z.infer<typeof Assignment>;

const Recipient = z.union([
  z.object({ kind: z.literal('you') }),
  z.object({ kind: z.literal('manager'), team: z.string() }),
  z.object({ kind: z.literal('person'), id: z.string() }),
]);
export type Recipient = z.infer<typeof Recipient>;

export const Notice = z.union([
  z.object({
    type: z.literal('notify'),
    kind: z.string(),
    to: z.array(Recipient),
    message: Localized,
  }),
  z.object({ type: z.literal('webhook'), event: z.string() }),
  z.object({ type: z.literal('assign'), to: z.nullable(Recipient), team: z.nullable(z.string()) }),
]);
export type Notice = z.infer<typeof Notice>;

export const LogEntry = z.object({
  at: z.number(),
  kind: z.enum(['created', 'action', 'edit', 'timer']),
  action: z.optional(z.string()),
  label: z.optional(Localized),
  actingAs: z.optional(Role),
  timer: z.optional(z.object({ stage: z.string(), kind: z.string(), rung: z.number() })),
  entered: z.array(z.string()),
  events: z.array(z.string()),
  notices: z.array(Notice),
});
export type LogEntry = z.infer<typeof LogEntry>;

export { FieldValue, GateFailure } from '../../shared/api/schemas.ts';

export const PracticeAction = z.object({ ...openActionShape, actingAs: z.optional(Role) });
export type PracticeAction = z.infer<typeof PracticeAction>;

export const Timer = z.object({
  id: z.string(),
  stage: z.string(),
  rung: z.number(),
  kind: z.string(),
  dueAt: z.number(),
});
export type Timer = z.infer<typeof Timer>;

export const PracticeRecord = z.object({
  status: z.enum(['open', 'won', 'lost', 'done']),
  value: z.unknown(),
  fields: z.record(z.string(), FieldValue),
  checklist: z.record(z.string(), z.array(z.string())),
  stages: z.record(z.string(), z.object({ enteredAt: z.number() })),
  timers: z.array(Timer),
  dueAt: z.nullable(z.number()),
  ownerId: z.nullable(z.string()),
  currentStages: z.array(z.string()),
  activeStages: z.array(z.string()),
  overdue: z.boolean(),
});
export type PracticeRecord = z.infer<typeof PracticeRecord>;

export const Practice = z.object({
  id: z.string(),
  assignmentId: z.string(),
  status: z.enum(['active', 'finished', 'abandoned']),
  version: z.number(),
  simStart: z.number(),
  simNow: z.number(),
  record: PracticeRecord,
  actions: z.array(PracticeAction),
  nextTimer: z.nullable(Timer),
  log: z.array(LogEntry),
  walkedPath: z.nullable(z.string()),
});
export type Practice = z.infer<typeof Practice>;

export const PathView = z.object({
  key: z.string(),
  steps: z.array(z.object({ action: z.string(), label: Localized, to: z.array(z.string()) })),
  final: z.string(),
  finalTitle: Localized,
  walked: z.boolean(),
});
export type PathView = z.infer<typeof PathView>;

export const AssignmentDetail = z.object({
  assignment: Assignment,
  sop: z.object({
    sopId: z.string(),
    version: z.number(),
    name: Localized,
    description: z.nullable(Localized),
    fields: z.array(z.unknown()),
  }),
  stages: z.array(
    z.object({ id: z.string(), parentId: z.nullable(z.string()), meta: z.optional(z.unknown()) }),
  ),
  paths: z.array(PathView),
  practice: z.nullable(Practice),
});
export type AssignmentDetail = z.infer<typeof AssignmentDetail>;

export const Outcome = z.object({
  ok: z.boolean(),
  rejection: z.optional(
    z.object({ code: z.string(), message: Localized, failures: z.array(GateFailure) }),
  ),
  actingAs: z.optional(Role),
  fired: z.array(
    z.object({
      at: z.number(),
      stage: z.string(),
      kind: z.string(),
      rung: z.number(),
      events: z.array(z.string()),
    }),
  ),
  notices: z.array(Notice),
  finished: z.boolean(),
  walkedPath: z.nullable(z.string()),
});
export type Outcome = z.infer<typeof Outcome>;

const CommandResponse = z.object({ practice: Practice, outcome: Outcome, progress: Progress });
export type CommandResponse = z.infer<typeof CommandResponse>;

export const QuizQuestion = z.object({
  id: z.string(),
  kind: z.string(),
  prompt: Localized,
  options: z.array(z.object({ id: z.string(), text: Localized })),
});
export type QuizQuestion = z.infer<typeof QuizQuestion>;
export const Quiz = z.object({
  attempt: z.number(),
  passNeeded: z.number(),
  questions: z.array(QuizQuestion),
});
export type Quiz = z.infer<typeof Quiz>;

export const QuizResult = z.object({
  attempt: z.number(),
  correct: z.number(),
  total: z.number(),
  passed: z.boolean(),
  passNeeded: z.number(),
  results: z.array(
    z.object({
      questionId: z.string(),
      chosen: z.nullable(z.string()),
      correctOptionId: z.string(),
      correct: z.boolean(),
    }),
  ),
  progress: Progress,
});
export type QuizResult = z.infer<typeof QuizResult>;

export const PublishedDoc = z.object({ doc: z.unknown() });

export const trainingKeys = {
  all: ['training'] as const,
  list: (sopId?: string) => ['training', 'list', sopId ?? ''] as const,
  detail: (id: string) => ['training', 'detail', id] as const,
  quiz: (id: string) => ['training', 'quiz', id] as const,
  doc: (sopId: string, version: number) => ['training', 'doc', sopId, version] as const,
};

export function useAssignments(sopId?: string) {
  return useQuery({
    queryKey: trainingKeys.list(sopId),
    queryFn: ({ signal }) =>
      api('GET', `/api/training/assignments${sopId ? `?sopId=${encodeURIComponent(sopId)}` : ''}`, {
        schema: z.object({ items: z.array(Assignment) }),
        signal,
      }),
  });
}

export function useAssignmentDetail(id: string) {
  return useQuery({
    queryKey: trainingKeys.detail(id),
    queryFn: ({ signal }) =>
      api('GET', `/api/training/assignments/${encodeURIComponent(id)}`, {
        schema: AssignmentDetail,
        signal,
      }),
  });
}

/** The assigned SOP version's document, for the diagram. */
export function useAssignedDoc(sopId: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: trainingKeys.doc(sopId ?? '', version ?? 0),
    enabled: !!sopId && !!version,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: ({ signal }) =>
      api('GET', `/api/sops/${encodeURIComponent(sopId ?? '')}/versions/${version}`, {
        schema: PublishedDoc,
        signal,
      }),
  });
}

export function useAssign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { sopId: string; userIds: string[]; dueAt: number | null }) =>
      api('POST', '/api/training/assignments', {
        body: input,
        schema: z.object({ items: z.array(Assignment) }),
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: trainingKeys.all }),
  });
}

/** Writes a practice response into the assignment's cached detail. */
function remember(
  qc: ReturnType<typeof useQueryClient>,
  assignmentId: string,
  practice: Practice,
  progress: Progress,
) {
  qc.setQueryData<AssignmentDetail>(trainingKeys.detail(assignmentId), (old) => {
    if (!old) return old;
    const walked = new Set(progress.walkedPaths);
    return {
      ...old,
      practice,
      assignment: { ...old.assignment, progress },
      paths: old.paths.map((p) => ({ ...p, walked: walked.has(p.key) })),
    };
  });
}

export function useStartPractice(assignmentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api('POST', `/api/training/assignments/${encodeURIComponent(assignmentId)}/practice`, {
        schema: z.object({ practice: Practice, progress: Progress }),
      }),
    onSuccess: (r) => remember(qc, assignmentId, r.practice, r.progress),
  });
}

export type PracticeCommand =
  | {
      type: 'perform';
      action: string;
      fields?: Record<string, FieldValue>;
      checklist?: Record<string, string[]>;
    }
  | { type: 'edit'; fields?: Record<string, FieldValue>; checklist?: Record<string, string[]> }
  | { type: 'advance'; ms?: number; toNextTimer?: boolean };

export function usePracticeCommand(assignmentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { sessionId: string; version: number; command: PracticeCommand }) =>
      api('POST', `/api/training/practice/${encodeURIComponent(input.sessionId)}/commands`, {
        body: { version: input.version, command: input.command },
        schema: CommandResponse,
      }),
    onSuccess: (r) => {
      remember(qc, assignmentId, r.practice, r.progress);
      void qc.invalidateQueries({ queryKey: ['training', 'list'] });
    },
    onError: () => qc.invalidateQueries({ queryKey: trainingKeys.detail(assignmentId) }),
  });
}

export function useQuiz(assignmentId: string, enabled: boolean) {
  return useQuery({
    queryKey: trainingKeys.quiz(assignmentId),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: ({ signal }) =>
      api('GET', `/api/training/assignments/${encodeURIComponent(assignmentId)}/quiz`, {
        schema: Quiz,
        signal,
      }),
  });
}

export function useSubmitQuiz(assignmentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { attempt: number; answers: Record<string, string> }) =>
      api('POST', `/api/training/assignments/${encodeURIComponent(assignmentId)}/quiz`, {
        body: input,
        schema: QuizResult,
      }),
    onSuccess: (r) => {
      qc.setQueryData<AssignmentDetail>(trainingKeys.detail(assignmentId), (old) =>
        old ? { ...old, assignment: { ...old.assignment, progress: r.progress } } : old,
      );
      void qc.invalidateQueries({ queryKey: ['training', 'list'] });
    },
  });
}

export const DirectoryUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  active: z.optional(z.boolean()),
});
export type DirectoryUser = z.infer<typeof DirectoryUser>;

export function useDirectory(enabled: boolean) {
  return useQuery({
    queryKey: ['training', 'users'],
    enabled,
    queryFn: ({ signal }) =>
      api('GET', '/api/users', { schema: z.object({ items: z.array(DirectoryUser) }), signal }),
  });
}
