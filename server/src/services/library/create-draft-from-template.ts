import type { LocalizedText } from '@closeloop/engine';
import { assertRole, SOP_EDITORS } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { createSop } from '../sops/create-sop.ts';
import { libraryTemplates } from './list-library.ts';

export type CreateDraftFromTemplateInput = {
  templateId: string;
  /** The new SOP's id; by default the template's, with -2, -3… when that is taken. */
  sopId?: string;
  name?: LocalizedText;
};

/**
 * Copies a library template into the workspace as a new SOP draft (through createSop, the
 * one way SOPs are made) and returns its id, for the editor to open.
 */
export const createDraftFromTemplate: Verb<
  CreateDraftFromTemplateInput,
  { sopId: string; templateId: string }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, SOP_EDITORS, 'creating an SOP');
  const t = libraryTemplates().find((x) => x.id === input.templateId);
  if (!t) throw new NotFound('library template', input.templateId);
  let sopId = input.sopId;
  if (!sopId) {
    const rows = await ctx.db.query(
      `select id from sops where workspace_id = $1 and (id = $2 or id like $3)`,
      [ctx.user.workspaceId, t.id, `${t.id}-%`],
    );
    const taken = new Set(rows.map((r) => String(r.id)));
    sopId = t.id;
    for (let n = 2; taken.has(sopId); n++) sopId = `${t.id}-${n}`;
  }
  // the machine keeps its id: targets such as `#closed-loop.lost` name it
  const doc = { ...t.sop.doc, id: sopId, version: 0, ...(input.name ? { name: input.name } : {}) };
  const created = await createSop({ ctx, input: { doc } });
  return { sopId: created.sopId, templateId: t.id };
};
