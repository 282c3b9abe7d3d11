import { checkSop, parseSop } from '@closeloop/engine';
import type { Row } from '../../db/client.ts';
import { handoffTargets } from '../commands/handoffs.ts';
import { assertRole, SOP_PUBLISHERS } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound, SopInvalid } from '../core/errors.ts';
import { docHash } from './sop-common.ts';
import { workspaceProblems } from './team-check.ts';

export type PublishResult = { sopId: string; version: number; hash: string; publishedAt: number };

/**
 * Freezes the draft as the next immutable version. New records start on it; running
 * records stay on theirs until migrateRecords moves them.
 */
export const publishSop: Verb<{ sopId: string; note: string }, PublishResult> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, SOP_PUBLISHERS, 'publishing an SOP');
  const ws = ctx.user.workspaceId;
  // inside the transaction use only `q`: PGlite has one connection, another query would wait forever
  return ctx.db.transaction(async (q) => {
    const rows: Row[] = await q(
      'select draft, published_version from sops where workspace_id = $1 and id = $2 for update',
      [ws, input.sopId],
    );
    const row = rows[0];
    if (!row) throw new NotFound('SOP', input.sopId);
    const parsed = parseSop(row.draft);
    const targets = parsed.ok ? await handoffTargets(q, ws, parsed.doc) : undefined;
    const checked = checkSop(row.draft, { targets });
    const problems = [...checked.problems];
    if (checked.doc) problems.push(...(await workspaceProblems(q, ws, checked.doc)));
    if (!checked.ok || !checked.doc || problems.length) throw new SopInvalid(problems);
    const version = (row.published_version === null ? 0 : Number(row.published_version)) + 1;
    const doc = { ...checked.doc, version };
    const hash = docHash(doc);
    await q(
      `insert into sop_versions (workspace_id, sop_id, version, doc, note, hash, published_at, published_by)
       values ($1, $2, $3, $4::text::json, $5, $6, to_timestamp($7::float8 / 1000), $8)`,
      [ws, input.sopId, version, JSON.stringify(doc), input.note, hash, ctx.now, ctx.user.id],
    );
    await q('update sops set published_version = $3 where workspace_id = $1 and id = $2', [
      ws,
      input.sopId,
      version,
    ]);
    const a = auditBy(
      ctx,
      'sop.published',
      { type: 'sop', id: input.sopId },
      {
        version,
        hash,
        note: input.note,
      },
    );
    await q(a.text, a.params);
    return { sopId: input.sopId, version, hash, publishedAt: ctx.now };
  });
};
