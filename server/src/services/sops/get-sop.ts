import type { LocalizedText, SopDocument } from '@closeloop/engine';
import { and, eq } from 'drizzle-orm';
import { sops } from '../../db/schema.ts';
import { assertRole, SOP_EDITORS } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { requireDoc, toMs } from './sop-common.ts';

export type SopDetail = {
  sopId: string;
  name: LocalizedText;
  draft: SopDocument;
  draftUpdatedAt: number | null;
  publishedVersion: number | null;
};

/** The SOP with its draft, for those who author SOPs; reps read published versions only. */
export const getSop: Verb<{ sopId: string }, SopDetail> = async ({ ctx, input }) => {
  assertRole(ctx.user, SOP_EDITORS, 'reading an SOP draft');
  const rows = await ctx.db.orm
    .select()
    .from(sops)
    .where(and(eq(sops.workspaceId, ctx.user.workspaceId), eq(sops.id, input.sopId)));
  const row = rows[0];
  if (!row) throw new NotFound('SOP', input.sopId);
  const draft = requireDoc(row.draft);
  return {
    sopId: row.id,
    name: draft.name,
    draft,
    draftUpdatedAt: toMs(row.draftUpdatedAt),
    publishedVersion: row.publishedVersion,
  };
};
