/**
 * The database schema. workspace_id leads every primary key, unique key and index, so one
 * database serves many companies and a distributed Postgres (Citus) could shard on it.
 * The two deliberate exceptions are cross-workspace lookups made before a workspace is
 * known — sign-in by email and the scheduler's scan for due timers (see docs/architecture.md).
 *
 * Row types stay inside server/; the API speaks the engine's types.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The workspace's working-time calendar (engine Calendar); null means the China default. */
  calendar: jsonb('calendar'),
  /** Test clock: milliseconds added to this workspace's time; honoured only with TEST_CLOCK on. */
  clockOffsetMs: bigint('clock_offset_ms', { mode: 'number' }).notNull().default(0),
  /** Reps may import leads (always into their own name); off unless an admin allows it. */
  repsMayImport: boolean('reps_may_import').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'manager', 'trainer', 'rep'] }).notNull(),
    locale: text('locale', { enum: ['zh-CN', 'en'] })
      .notNull()
      .default('zh-CN'),
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    /** Mobile number the group robots @ (企业微信, 钉钉); null when none. */
    mobile: text('mobile'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('users_workspace_email_key').on(t.workspaceId, t.email),
    // sign-in happens before the workspace is known (exception, see header)
    index('users_email_idx').on(t.email),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    workspaceId: text('workspace_id').notNull(),
    /** SHA-256 of the cookie's secret part; the secret itself is never stored. */
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('sessions_user_idx').on(t.workspaceId, t.userId),
  ],
);

/**
 * Failed sign-ins per email: rate limiting and temporary lockout kept in the
 * database so they hold across server processes. Keyed by the SHA-256 of the lower-cased
 * email, before any workspace is known (the sign-in exception, see header).
 */
export const loginAttempts = pgTable('login_attempts', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: ts('window_start').notNull().defaultNow(),
  lockedUntil: ts('locked_until'),
});

export const teams = pgTable(
  'teams',
  {
    workspaceId: text('workspace_id').notNull(),
    /** A slug such as `sales`; SOP owner rules name teams by it. */
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** Round-robin position: how many assignments the team has made. */
    rrCursor: integer('rr_cursor').notNull().default(0),
    /** Assignments per member so far (weighted strategy). */
    assigned: jsonb('assigned').notNull().default({}),
    /** Shared: every rep of the workspace may see this team's records. */
    shared: boolean('shared').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: text('workspace_id').notNull(),
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    role: text('role', { enum: ['member', 'manager'] })
      .notNull()
      .default('member'),
    weight: integer('weight').notNull().default(1),
    cap: integer('cap'),
    leaveFrom: ts('leave_from'),
    leaveUntil: ts('leave_until'),
    /**
     * Working shift in the workspace's local time: `{ start: 'HH:MM', end: 'HH:MM', days?: [1..7] }`
     * (ISO weekdays; an end before the start runs past midnight). Null: always on shift.
     */
    shift: jsonb('shift'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.teamId, t.userId] }),
    index('memberships_user_idx').on(t.workspaceId, t.userId),
  ],
);

/** One-time invitation links: only the SHA-256 of the link's secret is stored. */
export const invites = pgTable(
  'invites',
  {
    workspaceId: text('workspace_id').notNull(),
    /** SHA-256 of the secret part of the token `<workspaceId>.<secret>`. */
    id: text('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'manager', 'trainer', 'rep'] }).notNull(),
    locale: text('locale', { enum: ['zh-CN', 'en'] })
      .notNull()
      .default('zh-CN'),
    invitedBy: text('invited_by').notNull(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    userId: text('user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const sops = pgTable(
  'sops',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    name: jsonb('name').notNull(),
    /**
     * The working draft (SopDocument); published versions are copies in sop_versions. `json`,
     * not `jsonb`: the document's key order is the author's stage and field order.
     */
    draft: json('draft').notNull(),
    draftUpdatedAt: ts('draft_updated_at').notNull().defaultNow(),
    draftUpdatedBy: text('draft_updated_by'),
    publishedVersion: integer('published_version'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const sopVersions = pgTable(
  'sop_versions',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    version: integer('version').notNull(),
    /** `json` keeps the document's key order (stage and field order), see sops.draft. */
    doc: json('doc').notNull(),
    note: text('note').notNull().default(''),
    /** SHA-256 of the document's canonical JSON. */
    hash: text('hash').notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
    publishedBy: text('published_by'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.sopId, t.version] })],
);

export const records = pgTable(
  'records',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    sopId: text('sop_id').notNull(),
    sopVersion: integer('sop_version').notNull(),
    status: text('status', { enum: ['open', 'won', 'lost', 'done'] }).notNull(),
    /** The engine's RecordState, whole; the columns below are copies for queries. */
    state: jsonb('state').notNull(),
    fields: jsonb('fields').notNull(),
    ownerId: text('owner_id'),
    teamId: text('team_id'),
    /** The customer this record belongs to (every record has one once created). */
    customerId: text('customer_id'),
    /** First active leaf stage (dot path). */
    stage: text('stage').notNull(),
    /** Every active stage, ancestors included. */
    stages: text('stages').array().notNull(),
    dueAt: ts('due_at'),
    version: integer('version').notNull(),
    eventCount: integer('event_count').notNull(),
    /** Lower-cased field text for the `q` filter. */
    search: text('search').notNull().default(''),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('records_owner_idx').on(t.workspaceId, t.ownerId, t.status, t.dueAt),
    index('records_team_idx').on(t.workspaceId, t.teamId, t.status, t.dueAt),
    index('records_sop_idx').on(t.workspaceId, t.sopId, t.sopVersion, t.status),
    index('records_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('records_customer_idx').on(t.workspaceId, t.customerId),
    index('records_due_idx').on(t.workspaceId, t.status, t.dueAt),
    // reports (docs/reports.md): covering, so they never read a record's row —
    // the period's records by SOP; a record's filter columns by id; the open queue
    index('records_report_idx').on(
      t.workspaceId,
      t.sopId,
      t.createdAt,
      t.id,
      t.sopVersion,
      t.status,
      t.teamId,
      t.ownerId,
      t.stage,
    ),
    // trends: the records changed since an instant (a record's updated_at is its last event's
    // instant, so every record with an event in a period is among them), with their filters
    index('records_updated_idx').on(
      t.workspaceId,
      t.updatedAt,
      t.id,
      t.sopId,
      t.sopVersion,
      t.teamId,
      t.ownerId,
      t.status,
    ),
    index('records_open_idx')
      .on(t.workspaceId, t.sopId, t.sopVersion, t.teamId, t.ownerId, t.dueAt, t.stages)
      .where(sql`status = 'open'`),
  ],
);

/** Append-only: rows are inserted, never updated or deleted. */
export const recordEvents = pgTable(
  'record_events',
  {
    workspaceId: text('workspace_id').notNull(),
    recordId: text('record_id').notNull(),
    seq: integer('seq').notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    at: ts('at').notNull(),
    actorId: text('actor_id').notNull(),
    data: jsonb('data').notNull(),
    /** Record version after the command that produced this event. */
    recordVersion: integer('record_version').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordId, t.seq] }),
    // reports (docs/reports.md): events of a type in a period (trends,
    // closings, actions); stage figures come from stage_visits
    index('record_events_type_at_idx').on(t.workspaceId, t.type, t.at, t.recordId),
  ],
);

/**
 * One row per stage entry, written in the command's transaction next to its events
 * (services/stage-visits.ts) and closed on exit: what the reports aggregate instead of
 * pairing stage events (docs/reports.md). Derived from record_events;
 * migration 0006 backfilled it from the history.
 */
export const stageVisits = pgTable(
  'stage_visits',
  {
    workspaceId: text('workspace_id').notNull(),
    recordId: text('record_id').notNull(),
    stage: text('stage').notNull(),
    /** The `entry` of its stage.entered event (the record version that entered it). */
    entry: integer('entry').notNull(),
    sopId: text('sop_id').notNull(),
    /** The SOP version the record was on when it entered the stage. */
    sopVersion: integer('sop_version').notNull(),
    /** The record's creation instant (never changes): the reports' cohort key. */
    recordCreatedAt: ts('record_created_at').notNull(),
    enteredAt: ts('entered_at').notNull(),
    /** Null while the record is in the stage. */
    exitedAt: ts('exited_at'),
    wallMs: doublePrecision('wall_ms'),
    /** Working ms on the workspace calendar at exit; null for visits backfilled by 0006. */
    workMs: doublePrecision('work_ms'),
    /** The stage's deadline passed during this visit (sla.breached). */
    breached: boolean('breached').notNull().default(false),
    /** The stages the exiting command entered. */
    next: text('next').array(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordId, t.stage, t.entry] }),
    // covering: a cohort's visits by SOP and creation instant, read from the index alone
    index('stage_visits_cohort_idx').on(
      t.workspaceId,
      t.sopId,
      t.recordCreatedAt,
      t.recordId,
      t.stage,
      t.enteredAt,
      t.exitedAt,
      t.wallMs,
      t.workMs,
      t.breached,
      t.next,
    ),
  ],
);

/**
 * The daily rollup of the long-period reports (docs/reports.md, *Rollup*):
 * per cohort day (the records' local creation day in the workspace calendar), SOP version,
 * team ('' for none) and stage, the counts the funnel, breaches, stage times and map add up,
 * and histograms of the finished visits' durations (services/reports/rollup.ts). Derived from
 * stage_visits and records; a refresh recomputes the days of the records written since its
 * watermark. Pseudo-stages `#open`, `#won`, `#lost`, `#done` count the cohort's records by status.
 */
export const reportDays = pgTable(
  'report_days',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sopVersion: integer('sop_version').notNull(),
    /** The records' team now; '' when they have none. */
    teamId: text('team_id').notNull(),
    stage: text('stage').notNull(),
    /** Records that entered the stage (first visit per record). */
    entered: integer('entered').notNull(),
    /** Of those, records that went on past it (the funnel's conversion). */
    converted: integer('converted').notNull(),
    visits: integer('visits').notNull(),
    finished: integer('finished').notNull(),
    open: integer('open').notNull(),
    breached: integer('breached').notNull(),
    /** Records lost from the stage (the map's drop-off). */
    dropped: integer('dropped').notNull(),
    /** Finished visits per log-spaced duration bucket (rollup.ts BUCKETS), wall and working ms. */
    wallHist: integer('wall_hist').array(),
    workHist: integer('work_hist').array(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.sopId, t.day, t.sopVersion, t.teamId, t.stage] }),
  ],
);

/** The map's edges per cohort-day cell: visits of `source` whose exiting command entered `target`. */
export const reportDayEdges = pgTable(
  'report_day_edges',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sopVersion: integer('sop_version').notNull(),
    teamId: text('team_id').notNull(),
    source: text('source').notNull(),
    target: text('target').notNull(),
    records: integer('records').notNull(),
    taken: integer('taken').notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.workspaceId, t.sopId, t.day, t.sopVersion, t.teamId, t.source, t.target],
    }),
  ],
);

/**
 * The trends' events per cohort-day cell and local day they happened on (`at_day`): wins,
 * losses and breaches (`kind` as getTrends counts them). Keyed by the cohort day like the
 * other rollup tables, so a refresh recomputes a record's rows with its day.
 */
export const reportDayEvents = pgTable(
  'report_day_events',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sopVersion: integer('sop_version').notNull(),
    teamId: text('team_id').notNull(),
    atDay: date('at_day', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.workspaceId, t.sopId, t.day, t.sopVersion, t.teamId, t.atDay, t.kind],
    }),
    // trends read the events of a period whatever the records' age
    index('report_day_events_at_idx').on(
      t.workspaceId,
      t.sopId,
      t.atDay,
      t.sopVersion,
      t.teamId,
      t.kind,
      t.n,
    ),
  ],
);

/** How far the rollup of one SOP is: records written before `watermark` are in it. */
export const reportRollupState = pgTable(
  'report_rollup_state',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    watermark: ts('watermark').notNull(),
    /** The calendar's utcOffsetMinutes the days were cut with. */
    utcOffsetMinutes: integer('utc_offset_minutes').notNull(),
    /** The calendar and stage order the figures were computed with (a change rebuilds). */
    signature: text('signature').notNull(),
    builtAt: ts('built_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.sopId] })],
);

export const timers = pgTable(
  'timers',
  {
    workspaceId: text('workspace_id').notNull(),
    /** The engine's deterministic timer id; the key makes each timer fire at most once. */
    id: text('id').notNull(),
    recordId: text('record_id').notNull(),
    stage: text('stage').notNull(),
    rung: integer('rung').notNull(),
    kind: text('kind').notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status', {
      enum: ['pending', 'claimed', 'fired', 'cancelled', 'skipped'],
    })
      .notNull()
      .default('pending'),
    claimedBy: text('claimed_by'),
    claimedUntil: ts('claimed_until'),
    firedAt: ts('fired_at'),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('timers_record_idx').on(t.workspaceId, t.recordId),
    // the scheduler scans every workspace for due timers (exception, see header)
    index('timers_due_idx').on(t.dueAt).where(sql`status in ('pending', 'claimed')`),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    recordId: text('record_id'),
    event: text('event').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('outbox_pending_idx').on(t.workspaceId, t.createdAt).where(sql`status = 'pending'`),
    // the delivery fan-out scans every workspace for pending rows (like timers_due_idx)
    index('outbox_fanout_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    recordId: text('record_id'),
    kind: text('kind').notNull(),
    message: jsonb('message').notNull(),
    createdAt: ts('created_at').notNull(),
    readAt: ts('read_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('notifications_user_idx').on(t.workspaceId, t.userId, t.createdAt),
  ],
);

/** First answers of commands sent with an Idempotency-Key. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: text('workspace_id').notNull(),
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    /** The answer as sent, kept as one JSON string so a replay is byte-identical. */
    body: jsonb('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId, t.key] })],
);

/**
 * Training: a trainer assigns a published SOP version to a hire. Progress lives
 * here: the practice paths walked (keys of enumeratePaths) and the quiz.
 */
export const trainingAssignments = pgTable(
  'training_assignments',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    sopId: text('sop_id').notNull(),
    sopVersion: integer('sop_version').notNull(),
    userId: text('user_id').notNull(),
    assignedBy: text('assigned_by').notNull(),
    dueAt: ts('due_at'),
    /** Keys of the paths from the start to a final stage the hire has walked in practice. */
    walkedPaths: jsonb('walked_paths').notNull().default([]),
    quizAttempts: integer('quiz_attempts').notNull().default(0),
    /** Best quiz score so far, in percent. */
    quizBestScore: integer('quiz_best_score'),
    quizPassedAt: ts('quiz_passed_at'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('training_assignments_user_idx').on(t.workspaceId, t.userId, t.createdAt),
    index('training_assignments_sop_idx').on(t.workspaceId, t.sopId),
  ],
);

/**
 * Practice runs: a sandbox record kept whole in this row (the engine's RecordState and its
 * events), stepped in-process on a simulated clock. Practice never writes records, events,
 * timers, outbox or notifications, so it cannot show up in live lists, reports or webhooks.
 */
export const practiceSessions = pgTable(
  'practice_sessions',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    assignmentId: text('assignment_id').notNull(),
    userId: text('user_id').notNull(),
    sopId: text('sop_id').notNull(),
    sopVersion: integer('sop_version').notNull(),
    status: text('status', { enum: ['active', 'finished', 'abandoned'] }).notNull(),
    /** The engine's RecordState. */
    record: jsonb('record').notNull(),
    /** Every engine event, in order. */
    events: jsonb('events').notNull().default([]),
    /** What the trainee did and what the engine would have sent (notifications, webhooks). */
    log: jsonb('log').notNull().default([]),
    /** Simulated clock: where the run started and where it is now (epoch ms). */
    simStart: bigint('sim_start', { mode: 'number' }).notNull(),
    simNow: bigint('sim_now', { mode: 'number' }).notNull(),
    /** Next deterministic id for engine events. */
    seq: integer('seq').notNull().default(0),
    /** The enumerated path this run walked, once it reached a final stage. */
    walkedPath: text('walked_path'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('practice_sessions_assignment_idx').on(t.workspaceId, t.assignmentId, t.createdAt),
  ],
);

/** Every quiz submission, for the trainer's view and for replaying the seed. */
export const quizAttempts = pgTable(
  'quiz_attempts',
  {
    workspaceId: text('workspace_id').notNull(),
    assignmentId: text('assignment_id').notNull(),
    attempt: integer('attempt').notNull(),
    score: integer('score').notNull(),
    total: integer('total').notNull(),
    passed: boolean('passed').notNull(),
    answers: jsonb('answers').notNull(),
    submittedAt: ts('submitted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.assignmentId, t.attempt] })],
);

/**
 * API tokens for integrations. The token is shown once; only the SHA-256 of its
 * secret part is stored. Scopes: read, write, intake.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    scopes: text('scopes').array().notNull(),
    /** SHA-256 (hex) of the token's secret part. */
    secretHash: text('secret_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
    revokedBy: text('revoked_by'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/**
 * Append-only audit log: sign-ins and failures, role and team changes, publishes,
 * overrides, handovers, exports, token use.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    at: ts('at').notNull().defaultNow(),
    actorType: text('actor_type', { enum: ['user', 'token', 'system'] }).notNull(),
    /** User id, token id, or null for the system. */
    actorId: text('actor_id'),
    /** Dotted verb such as `auth.sign-in`, `user.role-changed`, `sop.published`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    detail: jsonb('detail').notNull().default({}),
    ip: text('ip'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('audit_log_at_idx').on(t.workspaceId, t.at, t.id),
    index('audit_log_action_idx').on(t.workspaceId, t.action, t.at),
  ],
);

export * from './schema-bots.ts';
export * from './schema-customers.ts';
export * from './schema-delivery.ts';
export * from './schema-intake.ts';
