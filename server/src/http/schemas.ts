/**
 * Request and response schemas: zod validates requests and the same schemas generate the
 * OpenAPI document. `LIMITS` below are the API's stated limits; bodies over them get 413.
 */
import { ENGINE_EVENT_TYPES, EVENT_DATA, FieldType } from '@closeloop/engine';
import { z } from '@hono/zod-openapi';

export const LIMITS = {
  /** Request bodies, except SOP documents. */
  bodyBytes: 256 * 1024,
  /** Request bodies carrying SOP documents. */
  sopBodyBytes: 4 * 1024 * 1024,
  /** One text field value. */
  fieldChars: 10_000,
  /** Fields in one request. */
  fieldCount: 300,
  /** Reasons, notes. */
  reasonChars: 2_000,
} as const;

const Id = z.string().min(1).max(200);

/** Years a date in a request may name: Postgres has no year 0 and JS dates end at 275760. */
export const YEARS = { min: 1900, max: 9999 } as const;

/** A calendar day, YYYY-MM-DD, that exists (no 2026-02-30) in years YEARS.min to YEARS.max. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => {
    const [y = 0, m = 0, d = 0] = s.split('-').map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return (
      y >= YEARS.min &&
      y <= YEARS.max &&
      t.getUTCFullYear() === y &&
      t.getUTCMonth() === m - 1 &&
      t.getUTCDate() === d
    );
  }, `expected a real day between ${YEARS.min} and ${YEARS.max}`)
  .openapi({ example: '2026-10-01' });

export const LocalizedText = z
  .object({ 'zh-CN': z.string(), en: z.string() })
  .openapi('LocalizedText');

export const FieldValue = z
  .union([
    z.string().max(LIMITS.fieldChars),
    z.number().finite(),
    z.boolean(),
    z.array(z.string().max(1000)).max(200),
    z.null(),
  ])
  .openapi('FieldValue');

export const Fields = z
  .record(z.string().min(1).max(64), FieldValue)
  .refine((o) => Object.keys(o).length <= LIMITS.fieldCount, {
    message: `at most ${LIMITS.fieldCount} fields`,
  })
  .openapi('Fields', { description: 'Field values by field key.' });

export const Checklist = z
  .record(z.string().min(1).max(200), z.array(z.string().min(1).max(64)).max(50))
  .refine((o) => Object.keys(o).length <= 50, { message: 'at most 50 stages' })
  .openapi('Checklist', { description: 'Ticked checklist item ids per stage id.' });

export const Version = z.number().int().min(0).max(2_147_483_647);

/** An SOP document; validated by the engine (parseSop/checkSop) so problems carry JSON paths. */
export const SopDocumentBody = z.record(z.string(), z.unknown()).openapi('SopDocument', {
  description:
    'An SOP document (see DESIGN.md: id, version, name, fields, machine, layout). Checked by the engine; problems are reported with JSON paths.',
});

export const Problem = z
  .object({
    type: z.string(),
    code: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string().optional(),
          code: z.string().optional(),
          message: z.string(),
          fields: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .passthrough()
  .openapi('Problem');

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'manager', 'trainer', 'rep']),
    locale: z.enum(['zh-CN', 'en']),
    workspaceId: z.string(),
    teamIds: z.array(z.string()),
  })
  .openapi('User');

/** A person as the directory lists them; the admin's UserSummary adds the mobile. */
export const directoryUserShape = {
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  locale: z.enum(['zh-CN', 'en']),
  active: z.boolean(),
  teamIds: z.array(z.string()),
};

export const SopProblem = z
  .object({
    path: z.string(),
    code: z.string(),
    message: LocalizedText,
    stage: z.string().optional(),
  })
  .openapi('SopProblem');

export const SopSummary = z
  .object({
    sopId: z.string(),
    name: LocalizedText,
    draftUpdatedAt: z.number().nullable(),
    publishedVersion: z.number().nullable(),
    recordCount: z.number(),
    openCount: z.number(),
    /** The published version's tags (its category). */
    tags: z.array(z.string()),
    /** Whether the caller starts records of it by hand (capture fields; `startableBy`). */
    startable: z.boolean(),
  })
  .openapi('SopSummary');

export const SopDetail = z
  .object({
    sopId: z.string(),
    name: LocalizedText,
    draft: SopDocumentBody,
    draftUpdatedAt: z.number().nullable(),
    publishedVersion: z.number().nullable(),
  })
  .openapi('SopDetail');

export const SopVersionSummary = z
  .object({
    version: z.number(),
    note: z.string(),
    hash: z.string(),
    publishedAt: z.number().nullable(),
    publishedBy: z.string().nullable(),
    recordCount: z.number(),
  })
  .openapi('SopVersionSummary');

export const SopVersionDetail = z
  .object({
    sopId: z.string(),
    version: z.number(),
    doc: SopDocumentBody,
    note: z.string(),
    hash: z.string(),
    publishedAt: z.number().nullable(),
  })
  .openapi('SopVersionDetail');

export const TimerSpec = z
  .object({
    id: z.string(),
    stage: z.string(),
    rung: z.number(),
    kind: z.string(),
    dueAt: z.number(),
  })
  .openapi('TimerSpec');

/** When a record entered a stage (and the field values then, for a reopened record). */
export const StageVisit = z
  .object({
    enteredAt: z.number(),
    entry: z.number(),
    fieldsAtEntry: z.record(z.string(), FieldValue).optional(),
  })
  .openapi('StageVisit');

export const Record = z
  .object({
    id: z.string(),
    sopId: z.string(),
    sopVersion: z.number(),
    status: z.enum(['open', 'won', 'lost', 'done']),
    value: z.unknown().openapi({ description: 'XState snapshot value' }),
    fields: z.record(z.string(), FieldValue),
    ownerId: z.string().nullable(),
    teamId: z.string().nullable(),
    stages: z.record(z.string(), StageVisit),
    checklist: z.record(z.string(), z.array(z.string())),
    timers: z.array(TimerSpec),
    dueAt: z.number().nullable(),
    lostReason: z.string().nullable(),
    version: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    activeStages: z.array(z.string()),
    currentStages: z.array(z.string()),
    overdue: z.boolean(),
  })
  .passthrough()
  .openapi('Record', {
    description:
      "The engine's RecordState plus active stages and the overdue flag. Times are epoch ms.",
  });

export const GateFailure = z
  .object({
    path: z.string(),
    fact: z.string(),
    operator: z.string(),
    message: LocalizedText,
    fields: z.array(z.string()),
  })
  .openapi('GateFailure');

export const OpenAction = z
  .object({
    action: z.string(),
    label: LocalizedText,
    from: z.string(),
    target: z.string().nullable(),
    /** How the action closes the record when its target is a final stage; null otherwise. */
    outcome: z.enum(['won', 'lost', 'done']).nullable(),
    allowed: z.boolean(),
    passed: z.boolean(),
    failures: z.array(GateFailure),
    fields: z.array(z.string()),
  })
  .openapi('OpenAction');

/** A history event: one variant per engine event type, its data from the engine's own schema. */
function engineEventSchema<E extends z.ZodRawShape>(extra: E) {
  const variants = ENGINE_EVENT_TYPES.map((type) =>
    z
      .object({
        id: z.string(),
        type: z.literal(type),
        at: z.number(),
        actorId: z.string(),
        version: z.number(),
        data: EVENT_DATA[type],
        ...extra,
      })
      .passthrough(),
  );
  const [first, ...rest] = variants;
  if (!first) throw new Error('the engine defines no events');
  return z.discriminatedUnion('type', [first, ...rest]);
}

export const EngineEvent = engineEventSchema({}).openapi('EngineEvent');
/** An event as stored, with its place in the record's history. */
export const StoredEngineEvent = engineEventSchema({ seq: z.number() });

export const Stage = z
  .object({
    id: z.string(),
    key: z.string(),
    parentId: z.string().nullable(),
    type: z.string(),
    depth: z.number(),
    final: z.boolean(),
    outcome: z.string().optional(),
    meta: z.unknown().optional(),
    children: z.array(z.string()),
  })
  .openapi('Stage');

/** A field the SOP defines (the engine's FieldDef). */
export const FieldDefinition = z
  .object({
    key: z.string(),
    type: z.enum(FieldType.options),
    label: LocalizedText,
    options: z.array(z.object({ value: z.string(), label: LocalizedText })).optional(),
    capture: z.boolean().optional(),
  })
  .openapi('FieldDef');

export const SopRef = z
  .object({
    sopId: z.string(),
    version: z.number(),
    name: LocalizedText,
    fields: z.array(FieldDefinition),
  })
  .openapi('SopRef');

export const RecordPage = z
  .object({ record: Record, sop: SopRef, stages: z.array(Stage), openActions: z.array(OpenAction) })
  .openapi('RecordPage');

export const CommandResult = z
  .object({
    record: Record,
    sop: z.object({ sopId: z.string(), version: z.number() }),
    openActions: z.array(OpenAction),
    events: z.array(EngineEvent),
  })
  .openapi('CommandResult');

export const NextAction = z
  .object({
    record: Record,
    sop: z.object({ sopId: z.string(), version: z.number(), name: LocalizedText }),
    stages: z.array(z.object({ id: z.string(), title: LocalizedText, meta: z.unknown() })),
    dueAt: z.number().nullable(),
    overdue: z.boolean(),
    actions: z.array(OpenAction),
  })
  .openapi('NextAction');

export const Notification = z
  .object({
    id: z.string(),
    recordId: z.string().nullable(),
    record: z.object({ title: z.string(), subtitle: z.string() }).nullable().openapi({
      description: 'How the record is named; null once the caller may no longer see it',
    }),
    kind: z.string(),
    message: LocalizedText,
    createdAt: z.number().nullable(),
    readAt: z.number().nullable(),
    group: z
      .object({
        count: z.number(),
        ids: z.array(z.string()),
        records: z.array(
          z.object({ id: z.string(), title: z.string(), subtitle: z.string() }).nullable(),
        ),
      })
      .optional()
      .openapi({
        description:
          'Notifications of one handover, shown as one: how many, their ids (to mark read) and the records; the item itself is the newest of them',
      }),
  })
  .openapi('Notification');

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({
      description:
        'Makes a retried write safe: a repeat with the same key and body returns the first answer and changes nothing.',
    }),
});

export const RecordIdParam = z.object({
  recordId: Id.openapi({ param: { name: 'recordId', in: 'path' } }),
});
export const SopIdParam = z.object({ sopId: Id.openapi({ param: { name: 'sopId', in: 'path' } }) });

export const boolQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
