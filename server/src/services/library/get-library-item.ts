import type { SopDocument } from '@closeloop/engine';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { type StageView, stageViews } from '../training/practice-view.ts';
import { type LibraryItem, libraryItem } from './library-items.ts';
import { libraryTemplates } from './list-library.ts';

export type LibraryItemDetail = {
  item: LibraryItem;
  doc: SopDocument;
  /** Every stage with its guidance: instructions, script, checklist, fields, owner, SLA. */
  stages: StageView[];
};

/** A library template with its document and each stage's guidance, for the preview. */
export const getLibraryTemplate: Verb<{ templateId: string }, LibraryItemDetail> = async ({
  input,
}) => {
  const t = libraryTemplates().find((x) => x.id === input.templateId);
  if (!t) throw new NotFound('library template', input.templateId);
  return { item: libraryItem('template', t.id, t.sop), doc: t.sop.doc, stages: stageViews(t.sop) };
};

/** A workspace SOP's published version, shown the same way as a template. */
export const getLibrarySop: Verb<{ sopId: string }, LibraryItemDetail> = async ({ ctx, input }) => {
  const rows = await ctx.db.query(
    'select published_version from sops where workspace_id = $1 and id = $2',
    [ctx.user.workspaceId, input.sopId],
  );
  const version = rows[0]?.published_version;
  if (version === null || version === undefined) throw new NotFound('published SOP', input.sopId);
  const sop = await ctx.sops.get(ctx.user.workspaceId, input.sopId, Number(version));
  return { item: libraryItem('sop', input.sopId, sop), doc: sop.doc, stages: stageViews(sop) };
};
