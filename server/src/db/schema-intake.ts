/**
 * Lead intake: import jobs and their per-row outcomes, the uploaded files (kept once per
 * content hash), mapping templates per source, hosted forms and their submissions, and one
 * row per lead that entered through any channel with its source and raw payload.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });

/** An uploaded spreadsheet, stored once per workspace and SHA-256 of its bytes. */
export const importFiles = pgTable(
  'import_files',
  {
    workspaceId: text('workspace_id').notNull(),
    hash: text('hash').notNull(),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hash] })],
);

export const IMPORT_STATUSES = [
  'uploaded',
  'running',
  'cancelling',
  'cancelled',
  'done',
  'failed',
] as const;

/** One import job: the file, its target SOP, the chosen sheet, mapping and policy, progress. */
export const imports = pgTable(
  'imports',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    sopId: text('sop_id').notNull(),
    createdBy: text('created_by').notNull(),
    fileName: text('file_name').notNull(),
    fileHash: text('file_hash').notNull(),
    fileSize: integer('file_size').notNull(),
    kind: text('kind', { enum: ['csv', 'xlsx'] }).notNull(),
    encoding: text('encoding'),
    /** [{ name, rows }] of every sheet. */
    sheets: jsonb('sheets').notNull(),
    sheet: text('sheet').notNull(),
    headerRow: integer('header_row').notNull(),
    /** column index → field key or $owner/$source/$externalId. */
    mapping: jsonb('mapping').notNull().default({}),
    source: text('source').notNull(),
    duplicatePolicy: text('duplicate_policy', { enum: ['skip', 'create'] })
      .notNull()
      .default('skip'),
    ownerId: text('owner_id'),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploaded'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    attached: integer('attached').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Counts of the last dry run, null before one. */
    dryRun: jsonb('dry_run'),
    error: text('error'),
    /** Who started the run: a resumed run acts as this user. */
    runBy: text('run_by'),
    /** The process running it, until `lease_until`; a lapsed lease is taken over. */
    leaseOwner: text('lease_owner'),
    leaseUntil: ts('lease_until'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('imports_created_idx').on(t.workspaceId, t.createdAt),
    index('imports_hash_idx').on(t.workspaceId, t.fileHash),
  ],
);

/** What happened to each data row of a run; a row is written with its record, never twice. */
export const importRows = pgTable(
  'import_rows',
  {
    workspaceId: text('workspace_id').notNull(),
    importId: text('import_id').notNull(),
    /** The row's number in the sheet (1-based, as Excel shows it). */
    rowNumber: integer('row_number').notNull(),
    outcome: text('outcome', {
      enum: ['created', 'attached', 'duplicate-file', 'duplicate-db', 'error'],
    }).notNull(),
    recordId: text('record_id'),
    /** [{ 'zh-CN', en }] reasons for an error or a duplicate. */
    reasons: jsonb('reasons'),
    /** The row's original cells, kept for the error report. */
    cells: jsonb('cells'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.importId, t.rowNumber] })],
);

/** A saved column mapping, by header text, for a source and target SOP. */
export const importTemplates = pgTable(
  'import_templates',
  {
    workspaceId: text('workspace_id').notNull(),
    sopId: text('sop_id').notNull(),
    source: text('source').notNull(),
    /** header text → field key or special target. */
    mapping: jsonb('mapping').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.sopId, t.source] })],
);

/** Every lead that entered through a channel: its source, external id and raw payload. */
export const intakeLeads = pgTable(
  'intake_leads',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    channel: text('channel', { enum: ['manual', 'api', 'import', 'form', 'push'] }).notNull(),
    source: text('source').notNull(),
    externalId: text('external_id'),
    sopId: text('sop_id').notNull(),
    recordId: text('record_id').notNull(),
    raw: jsonb('raw').notNull(),
    importId: text('import_id'),
    formId: text('form_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('intake_leads_external_uq')
      .on(t.workspaceId, t.source, t.externalId)
      .where(sql`external_id is not null`),
    index('intake_leads_source_idx').on(t.workspaceId, t.source, t.createdAt),
    index('intake_leads_record_idx').on(t.workspaceId, t.recordId),
  ],
);

/**
 * Normalised phone (`p:`) and e-mail (`e:`) keys of leads that entered through intake,
 * written in the record's transaction: of two concurrent entries of one key, one commits.
 */
export const intakeKeys = pgTable(
  'intake_keys',
  {
    workspaceId: text('workspace_id').notNull(),
    key: text('key').notNull(),
    recordId: text('record_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/** A hosted lead form, served at /f/:key. */
export const forms = pgTable(
  'forms',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    /** Public, unguessable; looked up before the workspace is known (like sign-in by email). */
    key: text('key').notNull(),
    sopId: text('sop_id').notNull(),
    title: jsonb('title').notNull(),
    /** [{ field, label, required }] in display order. */
    fields: jsonb('fields').notNull(),
    source: text('source').notNull(),
    ownerId: text('owner_id'),
    duplicatePolicy: text('duplicate_policy', { enum: ['skip', 'create'] })
      .notNull()
      .default('skip'),
    thankYou: jsonb('thank_you').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), uniqueIndex('forms_key_uq').on(t.key)],
);

/** Every public submission, accepted or not; rate limits count these rows. */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    workspaceId: text('workspace_id').notNull(),
    id: text('id').notNull(),
    formId: text('form_id').notNull(),
    status: text('status', { enum: ['accepted', 'duplicate', 'held', 'rejected'] }).notNull(),
    /** Why it was held or rejected (honeypot, too-fast, rate-limited, invalid). */
    reason: text('reason'),
    ipHash: text('ip_hash').notNull(),
    payload: jsonb('payload').notNull(),
    /** utm_*, referrer, landing page, fill time. */
    meta: jsonb('meta').notNull(),
    recordId: text('record_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    reviewedAt: ts('reviewed_at'),
    /** Who approved or discarded a held submission. */
    reviewedBy: text('reviewed_by'),
    fillMs: bigint('fill_ms', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('form_submissions_form_idx').on(t.workspaceId, t.formId, t.createdAt),
    index('form_submissions_ip_idx').on(t.ipHash, t.createdAt),
    // the review queue: held submissions, newest first
    index('form_submissions_status_idx').on(t.workspaceId, t.status, t.createdAt),
  ],
);
