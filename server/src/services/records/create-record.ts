import { type Fields, own, type SopDocument, type StateConfig } from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import { type CommandResult, runCommand } from '../commands/command.ts';
import { envOf, idempotencyOf } from '../commands/env.ts';
import { assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { assertMayRoute } from './routing-check.ts';

export type CreateRecordInput = {
  sopId: string;
  fields: Fields;
  ownerId?: string;
  teamId?: string;
  idempotencyKey?: string;
  /** How the lead entered (intake passes its channel; the API and quick capture are manual). */
  channel?: 'manual' | 'api' | 'import' | 'form' | 'push';
  /** Intake only: the new record's id, chosen by the caller so its guards can name it. */
  recordId?: string;
  /**
   * Intake only: statements written in the record's transaction, each returning one row or
   * the whole command is dropped (`AlreadyHandled`): a lead's keys and outcome row.
   */
  guards?: Stmt[];
};

/** Stage ids active when a record starts (the initial configuration of the machine). */
export function initialStages(doc: SopDocument): string[] {
  const out: string[] = [];
  const enter = (states: Record<string, StateConfig>, key: string, prefix: string) => {
    const id = prefix + key;
    out.push(id);
    const s = own(states, key);
    if (!s?.states) return;
    if (s.type === 'parallel') {
      for (const k of Object.keys(s.states)) enter(s.states, k, `${id}.`);
    } else if (s.initial) {
      enter(s.states, s.initial, `${id}.`);
    }
  };
  if (doc.machine.type === 'parallel') {
    for (const k of Object.keys(doc.machine.states)) enter(doc.machine.states, k, '');
  } else {
    enter(doc.machine.states, doc.machine.initial, '');
  }
  return out;
}

/**
 * Starts a record on the SOP's latest published version. Without an owner, the initial
 * stage's owner rules route it; when it has none, the creator (rep or manager) owns it.
 */
export const createRecord: Verb<CreateRecordInput, CommandResult> = async ({ ctx, input }) => {
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
  let ownerId = input.ownerId;
  if (!ownerId && ctx.user.role !== 'admin') {
    const routed = initialStages(sop.doc).some((id) => sop.compiled.owners.has(id));
    if (!routed) ownerId = ctx.user.id;
  }
  const recordId = input.recordId ?? crypto.randomUUID();
  return runCommand({
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
    ...(input.guards?.length ? { guards: input.guards } : {}),
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op: 'createRecord',
      sopId: input.sopId,
      fields: input.fields,
      ownerId: input.ownerId,
      teamId: input.teamId,
    }),
  });
};
