import { checkSop, type Problem, parseSop } from '@closeloop/engine';
import { handoffTargets } from '../commands/handoffs.ts';
import { assertRole, SOP_EDITORS } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { getSop } from './get-sop.ts';
import { workspaceProblems } from './team-check.ts';

/** Validates the given document, or the stored draft when none is given. Never writes. */
export const validateSop: Verb<
  { sopId: string; doc?: unknown },
  { ok: boolean; problems: Problem[] }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, SOP_EDITORS, 'validating an SOP');
  const doc = input.doc === undefined ? (await getSop({ ctx, input })).draft : input.doc;
  const parsed = parseSop(doc);
  const targets = parsed.ok
    ? await handoffTargets(ctx.db.query, ctx.user.workspaceId, parsed.doc)
    : undefined;
  const r = checkSop(doc, { targets });
  const problems = [...r.problems];
  if (r.doc) problems.push(...(await workspaceProblems(ctx.db.query, ctx.user.workspaceId, r.doc)));
  return { ok: problems.length === 0, problems };
};
