/**
 * The command path shared by every verb that changes a record, in stages (command-stages.ts):
 * load → decide (the pure engine) → plan (statements, each with its check) → commit (one
 * transaction).
 *
 * Exactly-once and idempotency rest on the database, not on this process:
 * - the record update is guarded by its version (a concurrent write makes it match no row);
 * - an Idempotency-Key is inserted in the same transaction under a primary key, so of
 *   concurrent copies only one commits and the others read its stored answer;
 * - a timer is marked fired in the same transaction, guarded by its status.
 */
import type { Deps } from '../core/context.ts';
import { DomainError, Invalid, StaleVersion } from '../core/errors.ts';
import { commitPlans, type Miss, type Plan, planCommand, reloadRecord } from './command-stages.ts';
import type { CommandResult, Idempotency, RunCommand } from './command-types.ts';
import { planHandoffs } from './handoffs.ts';
import { recordView } from './record-view.ts';

export type { CommandEnv, CommandResult, Idempotency, RunCommand } from './command-types.ts';

export async function findIdempotent(
  env: Deps & { workspaceId: string },
  idem: Idempotency,
): Promise<unknown | undefined> {
  const rows = await env.db.query(
    'select request_hash, body from idempotency_keys where workspace_id = $1 and user_id = $2 and key = $3',
    [env.workspaceId, idem.userId, idem.key],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_hash !== idem.hash) {
    throw new Invalid(
      'idempotency-key-reused',
      'this Idempotency-Key was first used with a different request',
    );
  }
  return typeof row.body === 'string' ? JSON.parse(row.body) : undefined;
}

/**
 * Runs one command against one record and returns the response body (or, for a retried
 * idempotent request, the body of the first answer).
 */
export async function runCommand(input: RunCommand): Promise<CommandResult> {
  const { env, idempotency } = input;
  if (idempotency) {
    const first = await findIdempotent(env, idempotency);
    if (isCommandResult(first)) return first;
  }
  let attempts = 0;
  let ownerRetries = 0;
  for (;;) {
    try {
      return await attempt(input);
    } catch (e) {
      if (idempotency && !(e instanceof DomainError && e.code !== 'stale-version')) {
        // a concurrent copy may have committed first: answer with its result
        const first = await findIdempotent(env, idempotency);
        if (isCommandResult(first)) return first;
      }
      // the new owner was deactivated meanwhile: step again over the fresh roster
      if (e instanceof OwnerInactive && ownerRetries++ < 3) continue;
      if (e instanceof StaleVersion && input.expectedVersion === undefined) {
        if (attempts++ < (input.retryOnStale ?? 0)) continue;
      }
      throw e;
    }
  }
}

async function attempt(input: RunCommand): Promise<CommandResult> {
  const plan = await planCommand(input);
  if (plan.planned.length === 0) return plan.body;
  // records the action hands off to are written in the same transaction
  const handoffs = await planHandoffs(input, plan);
  const committed = await commitPlans(input.env, [plan, ...handoffs], [], [], { group: true });
  if (!committed.ok) throw await missError(input, plan, committed.miss);
  return plan.body;
}

/** The domain error a rolled-back commit means. */
async function missError(input: RunCommand, plan: Plan, miss: Miss): Promise<Error> {
  switch (miss) {
    case 'already-handled':
      return new AlreadyHandled();
    case 'owner-inactive':
      return new OwnerInactive();
    case 'stale': {
      const current = await reloadRecord(input.env, input.recordId);
      // a create that lost to a concurrent copy (its Idempotency-Key committed first): not a
      // domain error, so runCommand answers with the stored first result
      if (!current) return new Error('the command lost a race to a concurrent copy');
      return new StaleVersion(
        recordView(current.state, input.env.now),
        plan.stored?.version ?? 0,
        current.version,
      );
    }
  }
}

/** A guarded side condition (a timer already fired) did not hold: nothing was written. */
export class AlreadyHandled extends DomainError {
  constructor() {
    super('unknown-timer', 'already handled');
  }
}

/** The record's new owner was deactivated before the command committed; nothing was written. */
export class OwnerInactive extends DomainError {
  constructor() {
    super('owner-inactive', 'the new owner was deactivated meanwhile; try again');
  }
}

function isCommandResult(v: unknown): v is CommandResult {
  return !!v && typeof v === 'object' && 'record' in v && 'openActions' in v && 'events' in v;
}
