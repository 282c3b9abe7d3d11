import { sops } from '../../db/schema.ts';
import { assertRole, SOP_EDITORS } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Conflict } from '../core/errors.ts';
import type { SopDetail } from './get-sop.ts';
import { requireDoc } from './sop-common.ts';

/** Creates an SOP with `doc` as its first draft. The document must parse; it need not validate yet. */
export const createSop: Verb<{ doc: unknown }, SopDetail> = async ({ ctx, input }) => {
  assertRole(ctx.user, SOP_EDITORS, 'creating an SOP');
  const doc = requireDoc(input.doc);
  const now = new Date(ctx.now);
  const rows = await ctx.db.orm
    .insert(sops)
    .values({
      workspaceId: ctx.user.workspaceId,
      id: doc.id,
      name: doc.name,
      draft: doc,
      draftUpdatedAt: now,
      draftUpdatedBy: ctx.user.id,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: sops.id });
  if (rows.length === 0)
    throw new Conflict('sop-exists', `an SOP with id ${doc.id} already exists`);
  return {
    sopId: doc.id,
    name: doc.name,
    draft: doc,
    draftUpdatedAt: ctx.now,
    publishedVersion: null,
  };
};
