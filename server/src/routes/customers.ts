/** Customers, the duplicates queue, merges and the 公海 public pool. */
import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
import { boolQuery } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { claimCustomer, releaseCustomer } from '../services/customers/claim-customer.ts';
import { getCustomer } from '../services/customers/get-customer.ts';
import { listCustomers, listPoolCustomers } from '../services/customers/list-customers.ts';
import { listDuplicateCustomers } from '../services/customers/list-duplicate-customers.ts';
import { mergeCustomers, unmergeCustomer } from '../services/customers/merge-customers.ts';
import { listPools, updatePool } from '../services/customers/pools.ts';
import { requestCustomerAccess, updateCustomer } from '../services/customers/update-customer.ts';
import {
  Customer,
  CustomerDetail,
  CustomerIdParam,
  CustomerPage,
  DuplicatePair,
  DuplicatePolicies,
  MergeField,
  MergePlan,
  Pool,
  PoolRulesSchema,
} from './customer-schemas.ts';
import type { Router } from './router.ts';

const verbRoute = verbRoutes(['customers']);
const Text = z.string().trim().max(200);
const ListQuery = z.object({
  q: z.string().max(200).optional(),
  source: z.string().max(100).optional(),
  region: z.string().max(100).optional(),
  industry: z.string().max(100).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export function customerRoutes() {
  const r = createRouter();
  registerCustomerCollection(r);
  registerCustomer(r);
  registerPoolRoutes(r);
  return r;
}

/** Listing customers, checking for duplicates and merging them. */
function registerCustomerCollection(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/customers',
    operationId: 'listCustomers',
    summary: 'Customers the caller may see (and the pool), most recently changed first',
    request: {
      query: ListQuery.extend({
        ownerId: z.string().max(200).optional(),
        poolState: z.enum(['owned', 'pool']).optional(),
        flagged: boolQuery.optional(),
      }),
    },
    responses: { 200: ok(CustomerPage) },
    verb: listCustomers,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/customers/duplicates',
    operationId: 'listDuplicateCustomers',
    summary: 'The duplicates queue: customer pairs sharing a key, and flagged look-alikes',
    responses: { 200: ok(z.object({ items: z.array(DuplicatePair) })) },
    verb: listDuplicateCustomers,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'post',
    path: '/customers/merge',
    operationId: 'mergeCustomers',
    summary: 'Merge two customers (survivor rule or named survivor); dryRun shows what moves',
    request: {
      ...jsonBody(
        z.object({
          customerIds: z.tuple([z.string().min(1).max(200), z.string().min(1).max(200)]),
          survivorId: z.string().min(1).max(200).optional(),
          pick: z.partialRecord(MergeField, z.string().min(1).max(200)).optional(),
          dryRun: z.boolean().optional(),
        }),
      ),
    },
    responses: { 200: ok(MergePlan) },
    verb: mergeCustomers,
    input: (c) => c.req.valid('json'),
  });
}

/** One customer: read, edit, unmerge, ask for access. */
function registerCustomer(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/customers/{customerId}',
    operationId: 'getCustomer',
    summary: 'A customer: owner, contacts, records of every SOP, one timeline',
    request: { params: CustomerIdParam },
    responses: { 200: ok(CustomerDetail) },
    verb: getCustomer,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'patch',
    path: '/customers/{customerId}',
    operationId: 'updateCustomer',
    summary: 'Edit a customer and its contacts (owner or manager); its match keys follow',
    request: {
      params: CustomerIdParam,
      ...jsonBody(
        z.object({
          version: z.number().int().min(1),
          name: Text.min(1).optional(),
          kind: z.enum(['company', 'person']).optional(),
          uscc: z.string().max(40).nullable().optional(),
          source: Text.nullable().optional(),
          region: Text.nullable().optional(),
          industry: Text.nullable().optional(),
          contacts: z
            .array(
              z.object({
                id: z.string().min(1).max(200).optional(),
                name: z.string().max(100).nullable().optional(),
                title: z.string().max(100).nullable().optional(),
                phone: z.string().max(50).nullable().optional(),
                email: z.string().max(320).nullable().optional(),
              }),
            )
            .max(20)
            .optional()
            .openapi({
              description:
                'Contacts to add (no id) or edit (with id); a new phone or e-mail another rep’s customer has is refused (customer-taken)',
            }),
        }),
      ),
    },
    responses: { 200: ok(Customer) },
    verb: updateCustomer,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/customers/{customerId}/unmerge',
    operationId: 'unmergeCustomer',
    summary: 'Undo the latest merge of a merged-away customer',
    request: { params: CustomerIdParam },
    responses: {
      200: ok(z.object({ mergeId: z.string(), survivorId: z.string(), restoredId: z.string() })),
    },
    verb: unmergeCustomer,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/customers/{customerId}/access-requests',
    operationId: 'requestCustomerAccess',
    summary: 'After a 撞单 refusal: ask the owner or my manager',
    request: {
      params: CustomerIdParam,
      ...jsonBody(
        z.object({
          to: z.enum(['owner', 'manager']),
          note: z.string().max(300).optional(),
        }),
      ),
    },
    responses: { 200: ok(z.object({ notified: z.number() })) },
    verb: requestCustomerAccess,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });
}

/** The 公海 pool: claiming and releasing customers, the pools and their rules. */
function registerPoolRoutes(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/customers/{customerId}/claim',
    operationId: 'claimCustomer',
    summary: 'Claim a pool customer (exactly one of concurrent claims wins; others 409)',
    request: { params: CustomerIdParam },
    responses: { 200: ok(Customer) },
    verb: claimCustomer,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/customers/{customerId}/release',
    operationId: 'releaseCustomer',
    summary: 'Put a customer back in the public pool (owner or manager)',
    request: {
      params: CustomerIdParam,
      ...jsonBody(z.object({ reason: z.string().max(300).optional() })),
    },
    responses: { 200: ok(Customer) },
    verb: releaseCustomer,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });

  verbRoute(r, {
    method: 'get',
    path: '/pool/customers',
    operationId: 'listPoolCustomers',
    summary: 'The 公海: unowned customers anyone may claim, phones masked until claimed',
    request: { query: ListQuery },
    responses: { 200: ok(CustomerPage) },
    verb: listPoolCustomers,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/pools',
    operationId: 'listPools',
    summary: 'Pool rules and duplicate policies: the workspace default and team overrides',
    responses: { 200: ok(z.object({ items: z.array(Pool) })) },
    verb: listPools,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'put',
    path: '/pools/{poolId}',
    operationId: 'updatePool',
    summary: 'Set a pool’s rules and duplicate policies (`default` or `team:<teamId>`)',
    request: {
      params: z.object({
        poolId: z
          .string()
          .min(1)
          .max(100)
          .openapi({ param: { name: 'poolId', in: 'path' } }),
      }),
      ...jsonBody(z.object({ rules: PoolRulesSchema, policies: DuplicatePolicies.optional() })),
    },
    responses: { 200: ok(Pool) },
    verb: updatePool,
    input: (c) => ({ ...c.req.valid('json'), ...c.req.valid('param') }),
  });
}
