/** OpenAPI schemas of the customer and pool routes. */
import { DEFAULT_POOL_RULES } from '@closeloop/engine';
import { z } from '@hono/zod-openapi';
import { LocalizedText } from '../http/schemas.ts';
import { DUPLICATE_POLICIES, ENTRY_CHANNELS } from '../services/customers/resolve-customer.ts';

export const CustomerIdParam = z.object({
  customerId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'customerId', in: 'path' } }),
});

const ms = z.number().nullable();

export const Customer = z
  .object({
    id: z.string(),
    kind: z.enum(['company', 'person']),
    name: z.string(),
    uscc: z.string().nullable(),
    source: z.string().nullable(),
    region: z.string().nullable(),
    industry: z.string().nullable(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    teamId: z.string().nullable(),
    poolState: z.enum(['owned', 'pool']),
    claimedAt: ms,
    protectedUntil: ms,
    releasedAt: ms,
    flagged: z.boolean(),
    mergedInto: z.string().nullable(),
    version: z.number(),
    createdAt: z.number(),
    updatedAt: z.number(),
    phone: z.string().nullable(),
    phoneMasked: z.boolean(),
    openRecords: z.number(),
  })
  .openapi('Customer');

export const CustomerPage = z
  .object({ items: z.array(Customer), nextCursor: z.string().nullable() })
  .openapi('CustomerPage');

export const Contact = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
  })
  .openapi('Contact');

export const CustomerDetail = z
  .object({
    customer: Customer,
    contacts: z.array(Contact),
    records: z.array(
      z.object({
        id: z.string(),
        sopId: z.string(),
        sopName: LocalizedText,
        status: z.string(),
        stages: z.array(LocalizedText),
        ownerId: z.string().nullable(),
        ownerName: z.string().nullable(),
        dueAt: ms,
        createdAt: z.number(),
        updatedAt: z.number(),
        visible: z.boolean(),
      }),
    ),
    timeline: z.array(
      z.object({
        at: z.number(),
        type: z.string(),
        actorId: z.string().nullable(),
        actorName: z.string().nullable(),
        recordId: z.string().nullable(),
        detail: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('CustomerDetail');

const count = z.number().int().min(0);
export const PoolRulesSchema = z
  .object({
    reclaimAfterIdleDays: count.max(365),
    reclaimAfterNoDealDays: count.max(730),
    warnDaysBefore: count.max(30),
    protectionDays: count.max(365),
    protectionExtendDays: count.max(365),
    protectionMaxDays: count.max(730),
    dailyClaimLimit: count.max(1000),
    holdingCap: count.max(100_000),
    excludeWonFromCap: z.boolean(),
    coolDownDays: count.max(365),
    maskPhones: z.boolean(),
  })
  .openapi('PoolRules', { example: DEFAULT_POOL_RULES });

export const DuplicatePolicies = z
  .partialRecord(z.enum(ENTRY_CHANNELS), z.enum(DUPLICATE_POLICIES))
  .openapi('DuplicatePolicies');

export const Pool = z
  .object({
    id: z.string(),
    teamId: z.string().nullable(),
    rules: PoolRulesSchema,
    policies: z.record(z.string(), z.enum(DUPLICATE_POLICIES)),
    stored: z.boolean(),
  })
  .openapi('Pool');

export const MergeField = z.enum(['name', 'kind', 'uscc', 'source', 'region', 'industry']);

export const MergePlan = z
  .object({
    mergeId: z.string().nullable(),
    dryRun: z.boolean(),
    survivorId: z.string(),
    mergedId: z.string(),
    fields: z.record(z.string(), z.string().nullable()),
    moves: z.object({
      records: z.array(z.string()),
      contacts: z.array(z.string()),
      keys: z.number(),
      events: z.number(),
      timers: z.number(),
    }),
  })
  .openapi('MergePlan');

export const DuplicatePair = z
  .object({ a: Customer, b: Customer, matchedOn: z.array(z.string()) })
  .openapi('DuplicateCustomerPair');
