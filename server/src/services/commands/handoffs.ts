/**
 * Cross-SOP handoff on the server: an action whose engine step yields a `handoff` effect
 * starts the target SOP's record for the same customer in the action's own transaction.
 * The target's create runs through the same stages (load → decide → plan) as any command;
 * its plan is committed together with the action's, so either both records change or none.
 */
import {
  type Effect,
  findHandoffs,
  type HandoffTargets,
  parseSop,
  type SopDocument,
} from '@closeloop/engine';
import type { Row } from '../../db/client.ts';

type Query = (text: string, params?: unknown[]) => Promise<Row[]>;

import { DomainError } from '../core/errors.ts';
import { customerEventStmt, linkRecordStmt } from '../customers/customer-stmts.ts';
import { type Plan, planCommand } from './command-stages.ts';
import type { RunCommand } from './command-types.ts';
import { initialStages } from './initial-stages.ts';

type HandoffEffect = Extract<Effect, { type: 'handoff' }>;

/** The target SOP has no published version (or does not exist): the action writes nothing. */
export class HandoffTargetUnpublished extends DomainError {
  constructor(sopId: string) {
    super(
      'handoff-target-unpublished',
      `the SOP "${sopId}" this action hands off to is not published`,
      {
        extra: { sopId },
      },
    );
  }
}

/**
 * The published documents of the SOPs `doc`'s handoffs name, for `validate` (read once,
 * before validating; unpublished or missing targets are simply absent).
 */
export async function handoffTargets(
  q: Query,
  workspaceId: string,
  doc: SopDocument,
): Promise<HandoffTargets> {
  const ids = [...new Set(findHandoffs(doc).map((h) => h.handoff.sopId))];
  const docs = new Map<string, SopDocument>();
  if (ids.length) {
    const rows = await q(
      `select v.sop_id, v.doc from sops s
         join sop_versions v on v.workspace_id = s.workspace_id and v.sop_id = s.id
                            and v.version = s.published_version
        where s.workspace_id = $1 and s.id = any($2::text[])`,
      [workspaceId, ids],
    );
    for (const r of rows) {
      const parsed = parseSop(typeof r.doc === 'string' ? JSON.parse(r.doc) : r.doc);
      if (parsed.ok) docs.set(String(r.sop_id), parsed.doc);
    }
  }
  return (id) => docs.get(id);
}

/**
 * The plans of the records the action's handoffs start (none when it has none). Throws
 * HandoffTargetUnpublished, or the target create's rejection (its fields), before anything
 * is written.
 */
export async function planHandoffs(input: RunCommand, plan: Plan): Promise<Plan[]> {
  const effects = plan.effects.filter((e): e is HandoffEffect => e.type === 'handoff');
  if (effects.length === 0) return [];
  const { env } = input;
  const ws = env.workspaceId;
  const sourceId = plan.after.state.id;
  const rows = await env.db.query(
    'select customer_id from records where workspace_id = $1 and id = $2',
    [ws, sourceId],
  );
  const customerId = rows[0]?.customer_id == null ? null : String(rows[0].customer_id);
  const out: Plan[] = [];
  for (const e of effects) out.push(await planOne(input, e, customerId));
  return out;
}

async function planOne(
  input: RunCommand,
  e: HandoffEffect,
  customerId: string | null,
): Promise<Plan> {
  const { env } = input;
  const ws = env.workspaceId;
  const rows = await env.db.query(
    'select published_version from sops where workspace_id = $1 and id = $2',
    [ws, e.sopId],
  );
  const version = rows[0]?.published_version;
  if (version === null || version === undefined) throw new HandoffTargetUnpublished(e.sopId);
  const sop = await env.sops.get(ws, e.sopId, Number(version));
  const routed = initialStages(sop.doc).some((id) => sop.compiled.owners.has(id));
  // `same`, or the target's rules when it has none: the acting record's owner keeps it
  const keep = e.owner === 'same' || (e.owner === 'rule' && !routed);
  const ownerId = keep ? e.ownerId : null;
  const assign = typeof e.owner === 'object' ? e.owner : undefined;
  return planCommand({
    env,
    recordId: e.recordId,
    sop,
    cmd: {
      type: 'create',
      recordId: e.recordId,
      fields: e.fields,
      ...(ownerId ? { ownerId } : {}),
      ...(assign ? { assign } : {}),
      from: e.from,
    },
    rosterUsers: ownerId ? [ownerId] : [],
    extraStmts: () =>
      customerId
        ? [
            linkRecordStmt(ws, e.recordId, customerId),
            customerEventStmt(ws, customerId, 'record.started-by-handoff', env.actor.id, env.now, {
              recordId: e.recordId,
              sopId: e.sopId,
              from: e.from,
            }),
          ]
        : [],
  });
}
