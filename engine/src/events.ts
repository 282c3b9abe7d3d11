/**
 * Every event the engine (and the server's commands built on it) appends to a record's
 * history, as one discriminated union on `type`. The data of each type is a zod schema, so
 * the server's OpenAPI document and the TypeScript types come from the same definition.
 *
 * Adding an event: add its data schema to `EVENT_DATA`; `evolve` and every exhaustive
 * consumer (the editor's history presenters) then fail to compile until they handle it.
 */
import { z } from 'zod';
import { Assignment, EscalationKind, LocalizedText, Strategy } from './sop.ts';

const FieldValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.null(),
]);

export const TimerSpecSchema = z.object({
  id: z.string(),
  stage: z.string(),
  rung: z.number(),
  kind: z.union([EscalationKind, z.literal('deadline')]),
  dueAt: z.number(),
});

export const GateFailureSchema = z.object({
  path: z.string(),
  fact: z.string(),
  operator: z.string(),
  message: LocalizedText,
  fields: z.array(z.string()),
});

export const RejectionCode = z.enum([
  'gate-failed',
  'unknown-action',
  'action-not-open',
  'role-not-allowed',
  'record-closed',
  'record-open',
  'invalid-fields',
  'unknown-timer',
  'no-assignee',
  'invalid-command',
]);

const stage = z.string();
const userId = z.string().nullable();

/** The `data` of each event type. */
export const EVENT_DATA = {
  'record.created': z.object({
    recordId: z.string(),
    sopId: z.string(),
    sopVersion: z.number(),
    fields: z.record(z.string(), FieldValueSchema),
    /** XState snapshot value after the initial transition. */
    value: z.unknown(),
    /** Set when another SOP's action started this record (a handoff). */
    from: z.object({ recordId: z.string(), sopId: z.string(), action: z.string() }).optional(),
  }),
  /** This record's action started a record of another SOP for the same customer. */
  'record.handed-off': z.object({
    action: z.string(),
    recordId: z.string(),
    sopId: z.string(),
    /** The target's field keys the mapping filled. */
    fields: z.array(z.string()),
    owner: z.union([z.literal('same'), z.literal('rule'), Assignment]),
  }),
  'fields.changed': z.object({
    changes: z.record(z.string(), z.object({ from: FieldValueSchema, to: FieldValueSchema })),
  }),
  'checklist.changed': z.object({ stage, done: z.array(z.string()) }),
  'action.performed': z.object({
    action: z.string(),
    from: z.unknown(),
    to: z.unknown(),
    /** Keys of the transitions taken. */
    transitions: z.array(z.string()),
  }),
  'gate.overridden': z.object({
    action: z.string(),
    reason: z.string(),
    failures: z.array(GateFailureSchema),
  }),
  'stage.entered': z.object({
    stage,
    /** The record version of this entry; makes each entry's timer ids unique. */
    entry: z.number(),
  }),
  'stage.exited': z.object({ stage }),
  'record.assigned': z.object({
    userId,
    teamId: z.string().nullable(),
    strategy: z.union([Strategy, z.literal('manual')]),
    from: userId,
    reason: z.string(),
  }),
  'record.handed-over': z.object({
    userId,
    teamId: z.string().nullable(),
    from: userId,
    reason: z.string(),
  }),
  'timer.scheduled': z.object({ timer: TimerSpecSchema }),
  'timer.cancelled': z.object({ timerId: z.string(), reason: z.string() }),
  'timer.fired': z.object({
    timerId: z.string(),
    stage,
    kind: TimerSpecSchema.shape.kind,
    rung: z.number(),
  }),
  'sla.breached': z.object({ stage }),
  'escalation.reminded': z.object({ stage, userIds: z.array(userId) }),
  'escalation.notified': z.object({ stage, userIds: z.array(z.string()) }),
  'escalation.reassigned': z.object({ stage, from: userId, to: userId, ok: z.boolean() }),
  'escalation.move-failed': z.object({ stage, action: z.string(), code: RejectionCode }),
  'record.completed': z.object({
    status: z.enum(['won', 'lost', 'done']),
    stage: z.string().nullable(),
  }),
  'record.closed': z.object({ reason: z.string() }),
  'record.reopened': z.object({ reason: z.string().nullable() }),
  'record.migrated': z.object({
    from: z.unknown(),
    to: z.unknown(),
    fromVersion: z.number(),
    toVersion: z.number(),
    /** Old stage id → new stage id, as the manager mapped them. */
    stageMap: z.record(z.string(), z.string()),
  }),
} as const;

export type EngineEventType = keyof typeof EVENT_DATA;
export type EngineEventData<T extends EngineEventType = EngineEventType> = z.infer<
  (typeof EVENT_DATA)[T]
>;

/** Every event type, in declaration order. */
export const ENGINE_EVENT_TYPES = Object.keys(EVENT_DATA) as EngineEventType[];

type Envelope = {
  id: string;
  at: number;
  actorId: string;
  /** The record version this event's command produced. */
  version: number;
};

/** One history event: `type` decides the shape of `data`. */
export type EngineEvent = {
  [T in EngineEventType]: Envelope & { type: T; data: EngineEventData<T> };
}[EngineEventType];

/** The event of one type. */
export type EngineEventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;

/** Whether `type` names an event the engine knows (an own key, never an inherited name). */
export function isEngineEventType(type: string): type is EngineEventType {
  return Object.hasOwn(EVENT_DATA, type);
}
