/**
 * Training for new hires: assignments, practice runs on sandbox records that live
 * only in practice_sessions, and the quiz generated from the SOP.
 */
import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
import {
  Checklist,
  Fields,
  GateFailure,
  LocalizedText,
  OpenAction,
  Record as RecordSchema,
  Stage,
  TimerSpec,
} from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { assignTraining } from '../services/training/assign-training.ts';
import { getQuiz } from '../services/training/get-quiz.ts';
import { getTrainingAssignment } from '../services/training/get-training-assignment.ts';
import { listTrainingAssignments } from '../services/training/list-training-assignments.ts';
import { performPracticeAction } from '../services/training/perform-practice-action.ts';
import { startPractice } from '../services/training/start-practice.ts';
import { submitQuiz } from '../services/training/submit-quiz.ts';
import type { Router } from './router.ts';

const verbRoute = verbRoutes(['training']);
const Id = z.string().min(1).max(200);
const Role = z.enum(['admin', 'manager', 'trainer', 'rep']);

const Progress = z
  .object({
    pathsWalked: z.number(),
    pathsTotal: z.number(),
    walkedPaths: z.array(z.string()),
    quizPassed: z.boolean(),
    quizAttempts: z.number(),
    quizBestScore: z.number().nullable(),
    percent: z.number().openapi({ description: '80 for the paths in proportion, 20 for the quiz' }),
    complete: z.boolean(),
    completedAt: z.number().nullable(),
  })
  .openapi('TrainingProgress');

const Assignment = z
  .object({
    id: z.string(),
    sop: z.object({ sopId: z.string(), version: z.number(), name: LocalizedText }),
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    assignedBy: z.object({ id: z.string(), name: z.string() }),
    dueAt: z.number().nullable(),
    overdue: z.boolean(),
    createdAt: z.number(),
    progress: Progress,
  })
  .openapi('TrainingAssignment');

const Recipient = z.union([
  z.object({ kind: z.literal('you') }),
  z.object({ kind: z.literal('manager'), team: z.string() }),
  z.object({ kind: z.literal('person'), id: z.string() }),
]);

const Notice = z
  .union([
    z.object({
      type: z.literal('notify'),
      kind: z.string(),
      to: z.array(Recipient),
      message: LocalizedText,
    }),
    z.object({ type: z.literal('webhook'), event: z.string() }),
    z.object({ type: z.literal('assign'), to: Recipient.nullable(), team: z.string().nullable() }),
  ])
  .openapi('PracticeNotice', {
    description: 'An effect the engine asked for, shown to the trainee and never carried out.',
  });

const LogEntry = z
  .object({
    at: z.number(),
    kind: z.enum(['created', 'action', 'edit', 'timer']),
    action: z.string().optional(),
    label: LocalizedText.optional(),
    actingAs: Role.optional(),
    timer: z.object({ stage: z.string(), kind: z.string(), rung: z.number() }).optional(),
    entered: z.array(z.string()),
    events: z.array(z.string()),
    notices: z.array(Notice),
  })
  .openapi('PracticeLogEntry');

const Practice = z
  .object({
    id: z.string(),
    assignmentId: z.string(),
    status: z.enum(['active', 'finished', 'abandoned']),
    version: z.number(),
    simStart: z.number(),
    simNow: z.number().openapi({ description: 'The simulated clock, epoch ms' }),
    record: RecordSchema,
    actions: z.array(OpenAction.extend({ actingAs: Role.optional() })),
    nextTimer: TimerSpec.nullable(),
    log: z.array(LogEntry),
    walkedPath: z.string().nullable(),
  })
  .openapi('PracticeSession');

const Outcome = z
  .object({
    ok: z.boolean(),
    rejection: z
      .object({ code: z.string(), message: LocalizedText, failures: z.array(GateFailure) })
      .optional(),
    actingAs: Role.optional(),
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
    walkedPath: z.string().nullable(),
  })
  .openapi('PracticeOutcome');

const PathView = z
  .object({
    key: z.string(),
    steps: z.array(z.object({ action: z.string(), label: LocalizedText, to: z.array(z.string()) })),
    final: z.string(),
    finalTitle: LocalizedText,
    walked: z.boolean(),
  })
  .openapi('TrainingPath');

const QuizQuestion = z
  .object({
    id: z.string(),
    kind: z.enum(['gate', 'escalation', 'sla', 'target', 'checklist']),
    prompt: LocalizedText,
    options: z.array(z.object({ id: z.string(), text: LocalizedText })),
  })
  .openapi('QuizQuestion');

const AssignmentIdParam = z.object({
  assignmentId: Id.openapi({ param: { name: 'assignmentId', in: 'path' } }),
});
const SessionIdParam = z.object({
  sessionId: Id.openapi({ param: { name: 'sessionId', in: 'path' } }),
});

const PracticeCommand = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('perform'),
      action: z.string().min(1).max(100),
      fields: Fields.optional(),
      checklist: Checklist.optional(),
    }),
    z.object({
      type: z.literal('edit'),
      fields: Fields.optional(),
      checklist: Checklist.optional(),
    }),
    z.object({
      type: z.literal('advance'),
      ms: z
        .number()
        .int()
        .min(0)
        .max(400 * 24 * 3600 * 1000)
        .optional(),
      toNextTimer: z.boolean().optional(),
    }),
  ])
  .openapi('PracticeCommand');

export function trainingRoutes() {
  const r = createRouter();
  registerAssignments(r);
  registerPractice(r);
  registerQuiz(r);
  return r;
}

/** Training assignments: assign, list, read. */
function registerAssignments(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/training/assignments',
    operationId: 'assignTraining',
    summary:
      "Assign an SOP's published version to people with a due date (trainer, manager, admin)",
    request: jsonBody(
      z.object({
        sopId: Id,
        userIds: z.array(Id).min(1).max(200),
        dueAt: z.number().int().min(0).nullable().default(null),
      }),
    ),
    responses: {
      201: ok(z.object({ items: z.array(Assignment) }), 'Assigned'),
    },
    verb: assignTraining,
    input: (c) => c.req.valid('json'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/training/assignments',
    operationId: 'listTrainingAssignments',
    summary:
      "Assignments with progress: trainers, managers and admins see everyone's, others their own",
    request: {
      query: z.object({ userId: Id.optional(), sopId: Id.optional() }),
    },
    responses: { 200: ok(z.object({ items: z.array(Assignment) })) },
    verb: listTrainingAssignments,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/training/assignments/{assignmentId}',
    operationId: 'getTrainingAssignment',
    summary:
      "An assignment with its SOP's guidance, every path (walked ones marked) and the latest run",
    request: { params: AssignmentIdParam },
    responses: {
      200: ok(
        z.object({
          assignment: Assignment,
          sop: z.object({
            sopId: z.string(),
            version: z.number(),
            name: LocalizedText,
            description: LocalizedText.nullable(),
            fields: z.array(z.unknown()),
          }),
          stages: z.array(Stage),
          paths: z.array(PathView),
          practice: Practice.nullable(),
        }),
      ),
    },
    verb: getTrainingAssignment,
    input: (c) => c.req.valid('param'),
  });
}

/** Practice sessions on an assignment's SOP. */
function registerPractice(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/training/assignments/{assignmentId}/practice',
    operationId: 'startPractice',
    summary:
      'Start a practice run: a sandbox record that never reaches live lists, reports, notifications or webhooks',
    request: { params: AssignmentIdParam },
    responses: {
      201: ok(z.object({ practice: Practice, progress: Progress }), 'Started'),
    },
    verb: startPractice,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/training/practice/{sessionId}/commands',
    operationId: 'performPracticeAction',
    summary:
      'Perform an action, edit fields, or advance the simulated clock in a practice run. A failed gate is a 200 with outcome.ok false and the failures.',
    request: {
      params: SessionIdParam,
      ...jsonBody(z.object({ version: z.number().int().min(1), command: PracticeCommand })),
    },
    responses: {
      200: ok(z.object({ practice: Practice, outcome: Outcome, progress: Progress })),
    },
    verb: performPracticeAction,
    input: (c) => {
      const { sessionId } = c.req.valid('param');
      const body = c.req.valid('json');
      return { sessionId, ...body };
    },
  });
}

/** An assignment's quiz. */
function registerQuiz(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/training/assignments/{assignmentId}/quiz',
    operationId: 'getQuiz',
    summary:
      "The quiz of the hire's next attempt, generated from the SOP (answers stay on the server)",
    request: { params: AssignmentIdParam },
    responses: {
      200: ok(
        z.object({
          attempt: z.number(),
          passNeeded: z.number(),
          questions: z.array(QuizQuestion),
        }),
      ),
    },
    verb: getQuiz,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/training/assignments/{assignmentId}/quiz',
    operationId: 'submitQuiz',
    summary: 'Submit answers for an attempt; graded on the server',
    request: {
      params: AssignmentIdParam,
      ...jsonBody(
        z.object({
          attempt: z.number().int().min(1),
          answers: z
            .record(z.string().max(300), z.string().max(10))
            .refine((o) => Object.keys(o).length <= 50, { message: 'at most 50 answers' }),
        }),
      ),
    },
    responses: {
      200: ok(
        z.object({
          attempt: z.number(),
          correct: z.number(),
          total: z.number(),
          passed: z.boolean(),
          passNeeded: z.number(),
          results: z.array(
            z.object({
              questionId: z.string(),
              chosen: z.string().nullable(),
              correctOptionId: z.string(),
              correct: z.boolean(),
            }),
          ),
          progress: Progress,
        }),
      ),
    },
    verb: submitQuiz,
    input: (c) => {
      const { assignmentId } = c.req.valid('param');
      const body = c.req.valid('json');
      return { assignmentId, ...body };
    },
  });
}
