import { type OpenAction, openActions, type StageInfo } from '@closeloop/engine';
import { loadRecord } from '../commands/record-store.ts';
import { type RecordView, recordView } from '../commands/record-view.ts';
import { assertCanSeeRecord, assertWorksRecords } from '../core/access.ts';
import type { Ctx, Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';

export type SopRef = {
  sopId: string;
  version: number;
  name: LoadedSop['doc']['name'];
  fields: LoadedSop['doc']['fields'];
};

export type StageView = Omit<StageInfo, 'children'> & { children: string[] };

export type RecordPage = {
  record: RecordView;
  sop: SopRef;
  stages: StageView[];
  openActions: OpenAction[];
};

export function sopRef(sop: LoadedSop): SopRef {
  return {
    sopId: sop.doc.id,
    version: sop.doc.version,
    name: sop.doc.name,
    fields: sop.doc.fields,
  };
}

export function actorCtx(ctx: Ctx) {
  return { now: ctx.now, actor: { id: ctx.user.id, role: ctx.user.role }, calendar: ctx.calendar };
}

/** A record with its SOP's stages and the actions open to the caller now. */
export const getRecord: Verb<{ recordId: string }, RecordPage> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const stored = await loadRecord(ctx.db, ctx.user.workspaceId, input.recordId);
  if (!stored) throw new NotFound('record', input.recordId);
  assertCanSeeRecord(ctx.user, stored.state);
  const sop = await ctx.sops.get(ctx.user.workspaceId, stored.state.sopId, stored.state.sopVersion);
  return {
    record: recordView(stored.state, ctx.now),
    sop: sopRef(sop),
    stages: sop.compiled.stages.map((s) => ({ ...s, children: [...s.children] })),
    openActions: await openActions(sop.compiled, stored.state, actorCtx(ctx)),
  };
};
