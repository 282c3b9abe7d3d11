import { and, eq } from 'drizzle-orm';
import { sops } from '../../db/schema.ts';
import { assertRole, SOP_EDITORS } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Invalid, NotFound } from '../core/errors.ts';
import type { SopDetail } from './get-sop.ts';
import { requireDoc } from './sop-common.ts';

/** Replaces the draft. Published versions are untouched; records keep running on them. */
export const updateSopDraft: Verb<{ sopId: string; doc: unknown }, SopDetail> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, SOP_EDITORS, 'editing an SOP');
  const doc = requireDoc(input.doc);
  if (doc.id !== input.sopId) {
    throw new Invalid('invalid-input', `the document's id (${doc.id}) is not ${input.sopId}`, {
      errors: [{ path: 'doc.id', message: `must be ${input.sopId}` }],
    });
  }
  const rows = await ctx.db.orm
    .update(sops)
    .set({
      draft: doc,
      name: doc.name,
      draftUpdatedAt: new Date(ctx.now),
      draftUpdatedBy: ctx.user.id,
    })
    .where(and(eq(sops.workspaceId, ctx.user.workspaceId), eq(sops.id, input.sopId)))
    .returning({ publishedVersion: sops.publishedVersion });
  const row = rows[0];
  if (!row) throw new NotFound('SOP', input.sopId);
  return {
    sopId: input.sopId,
    name: doc.name,
    draft: doc,
    draftUpdatedAt: ctx.now,
    publishedVersion: row.publishedVersion,
  };
};
