import type { Fields } from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import { type CommandResult, type RunCommand, runCommand } from '../commands/command.ts';
import { envOf, idempotencyOf } from '../commands/env.ts';
import { initialStages } from '../commands/initial-stages.ts';
import { assertWorksRecords } from '../core/access.ts';
import type { Ctx, Verb } from '../core/context.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { enterLead, type LeadEntry } from '../customers/enter-lead.ts';
import type { EntryChannel } from '../customers/resolve-customer.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import { assertMayRoute } from './routing-check.ts';

export type CreateRecordInput = {
  sopId: string;
  fields: Fields;
  ownerId?: string;
  teamId?: string;
  idempotencyKey?: string;
  /**
   * The entry channel, whose duplicate policy applies to the record's customer (default
   * `manual`; an API token's call is `api`).
   */
  channel?: EntryChannel;
  /** Intake only: the new record's id, chosen by the caller so its guards can name it. */
  recordId?: string;
  /**
   * Intake only: statements written in the record's transaction, each returning one row or
   * the whole command is dropped (`AlreadyHandled`): a lead's keys and outcome row.
   */
  guards?: Stmt[];
};

export type CreateRecordResult = CommandResult & {
  /** The customer the record belongs to; `created` when this record made it. */
  customer?: { id: string; created: boolean; flagged: boolean };
};

/**
 * The owner a new record starts with: the one named, else (unless an admin files it) the
 * creator when the initial stages have no owner rule to route it.
 */
export function defaultOwnerOf(ctx: Ctx, sop: LoadedSop, ownerId?: string): string | undefined {
  if (ownerId || ctx.user.role === 'admin') return ownerId;
  const routed = initialStages(sop.doc).some((id) => sop.compiled.owners.has(id));
  return routed ? undefined : ctx.user.id;
}

/**
 * The create command of a record whose customer is already resolved (`entry`), ready for
 * runCommand or, in a batch (an import), for planCommand and commitPlans.
 */
export function createCommandOf(
  ctx: Ctx,
  sop: LoadedSop,
  input: Pick<CreateRecordInput, 'fields' | 'teamId' | 'guards'> & {
    recordId: string;
    ownerId: string | undefined;
  },
  entry: LeadEntry,
): RunCommand {
  const { recordId, ownerId } = input;
  return {
    env: envOf(ctx),
    recordId,
    sop,
    cmd: {
      type: 'create',
      recordId,
      fields: input.fields,
      ...(ownerId ? { ownerId } : {}),
      ...(input.teamId ? { teamId: input.teamId } : {}),
    },
    rosterUsers: ownerId ? [ownerId] : [],
    extraStmts: entry.stmts,
    ...(input.guards?.length ? { guards: input.guards } : {}),
  };
}

/**
 * Starts a record on the SOP's latest published version. Without an owner, the initial
 * stage's owner rules route it; when it has none, the creator (rep or manager) owns it.
 */
export const createRecord: Verb<CreateRecordInput, CreateRecordResult> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const ws = ctx.user.workspaceId;
  const rows = await ctx.db.query(
    'select published_version from sops where workspace_id = $1 and id = $2',
    [ws, input.sopId],
  );
  const row = rows[0];
  if (!row) throw new NotFound('SOP', input.sopId);
  if (row.published_version === null) {
    throw new Conflict('sop-not-published', `SOP ${input.sopId} has no published version yet`);
  }
  const sop = await ctx.sops.get(ws, input.sopId, Number(row.published_version));
  await assertMayRoute(ctx, { ownerId: input.ownerId, teamId: input.teamId });
  const ownerId = defaultOwnerOf(ctx, sop, input.ownerId);
  const recordId = input.recordId ?? crypto.randomUUID();
  const entry = await enterLead(ctx, {
    defs: sop.doc.fields,
    fields: input.fields,
    channel: input.channel ?? (ctx.user.token ? 'api' : 'manual'),
    teamId: input.teamId ?? null,
  });
  const out = await runCommand({
    ...createCommandOf(ctx, sop, { ...input, recordId, ownerId }, entry),
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op: 'createRecord',
      sopId: input.sopId,
      fields: input.fields,
      ownerId: input.ownerId,
      teamId: input.teamId,
    }),
  });
  const d = entry.decision;
  return {
    ...out,
    customer: {
      id: entry.customerId,
      created: d.kind === 'create',
      flagged: d.kind === 'create' && d.flagged,
    },
  };
};
