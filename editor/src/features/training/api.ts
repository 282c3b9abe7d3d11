/**
 * Training's server state: types from the generated API contract, query keys and TanStack
 * Query hooks for assignments and progress, practice runs and the quiz. Stage meta and field
 * definitions are checked with the engine's schemas where they are used.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Answered, http, ok, type Schemas } from '../../shared/api/client.ts';

export type FieldValue = Schemas['FieldValue'];
export type GateFailure = Schemas['GateFailure'];
export type Progress = Schemas['TrainingProgress'];
export type Assignment = Schemas['TrainingAssignment'];
export type Notice = Schemas['PracticeNotice'];
export type Recipient = NonNullable<Extract<Notice, { type: 'assign' }>['to']>;
export type LogEntry = Schemas['PracticeLogEntry'];
export type Practice = NonNullable<Schemas['PracticeSession']>;
export type PracticeAction = Practice['actions'][number];
export type Timer = Schemas['TimerSpec'];
export type PathView = Schemas['TrainingPath'];
export type Outcome = Schemas['PracticeOutcome'];
export type PracticeCommand = Schemas['PracticeCommand'];
export type QuizQuestion = Schemas['QuizQuestion'];
export type AssignmentDetail = Answered<'/training/assignments/{assignmentId}', 'get'>;
export type Quiz = Answered<'/training/assignments/{assignmentId}/quiz', 'get'>;
export type QuizResult = Answered<'/training/assignments/{assignmentId}/quiz', 'post'>;
/** A person in the workspace, as the assign dialog lists them. */
export type DirectoryUser = Answered<'/users', 'get'>['items'][number];

const byId = (assignmentId: string) => ({ params: { path: { assignmentId } } });

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
      ok(http.GET('/training/assignments', { params: { query: sopId ? { sopId } : {} }, signal })),
  });
}

export function useAssignmentDetail(id: string) {
  return useQuery({
    queryKey: trainingKeys.detail(id),
    queryFn: ({ signal }) =>
      ok(http.GET('/training/assignments/{assignmentId}', { ...byId(id), signal })),
  });
}

/** The assigned SOP version's document, for the diagram. */
export function useAssignedDoc(sopId: string | undefined, version: number | undefined) {
  return useQuery({
    queryKey: trainingKeys.doc(sopId ?? '', version ?? 0),
    enabled: !!sopId && !!version,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/sops/{sopId}/versions/{version}', {
          params: { path: { sopId: sopId ?? '', version: version ?? 0 } },
          signal,
        }),
      ),
  });
}

export function useAssign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { sopId: string; userIds: string[]; dueAt: number | null }) =>
      ok(http.POST('/training/assignments', { body: input })),
    onSuccess: () => qc.invalidateQueries({ queryKey: trainingKeys.all }),
  });
}

/** Writes a practice response into the assignment's cached detail. */
function remember(
  qc: ReturnType<typeof useQueryClient>,
  assignmentId: string,
  practice: Practice | null,
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
      ok(http.POST('/training/assignments/{assignmentId}/practice', byId(assignmentId))),
    onSuccess: (r) => remember(qc, assignmentId, r.practice, r.progress),
  });
}

export function usePracticeCommand(assignmentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { sessionId: string; version: number; command: PracticeCommand }) =>
      ok(
        http.POST('/training/practice/{sessionId}/commands', {
          params: { path: { sessionId: input.sessionId } },
          body: { version: input.version, command: input.command },
        }),
      ),
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
      ok(http.GET('/training/assignments/{assignmentId}/quiz', { ...byId(assignmentId), signal })),
  });
}

export function useSubmitQuiz(assignmentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { attempt: number; answers: Record<string, string> }) =>
      ok(
        http.POST('/training/assignments/{assignmentId}/quiz', {
          ...byId(assignmentId),
          body: input,
        }),
      ),
    onSuccess: (r) => {
      qc.setQueryData<AssignmentDetail>(trainingKeys.detail(assignmentId), (old) =>
        old ? { ...old, assignment: { ...old.assignment, progress: r.progress } } : old,
      );
      void qc.invalidateQueries({ queryKey: ['training', 'list'] });
    },
  });
}

export function useDirectory(enabled: boolean) {
  return useQuery({
    queryKey: ['training', 'users'],
    enabled,
    queryFn: ({ signal }) => ok(http.GET('/users', { signal })),
  });
}
