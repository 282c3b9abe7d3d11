import type { SopDocument } from '@closeloop/engine';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { requireDoc, toMs } from './sop-common.ts';

export type SopVersionDetail = {
  sopId: string;
  version: number;
  doc: SopDocument;
  note: string;
  hash: string;
  publishedAt: number | null;
};

export const getSopVersion: Verb<{ sopId: string; version: number }, SopVersionDetail> = async ({
  ctx,
  input,
}) => {
  const rows = await ctx.db.query(
    `select doc, note, hash, published_at from sop_versions
      where workspace_id = $1 and sop_id = $2 and version = $3`,
    [ctx.user.workspaceId, input.sopId, input.version],
  );
  const row = rows[0];
  if (!row) throw new NotFound('SOP version', `${input.sopId}@${input.version}`);
  return {
    sopId: input.sopId,
    version: input.version,
    doc: requireDoc(row.doc),
    note: String(row.note),
    hash: String(row.hash),
    publishedAt: toMs(row.published_at),
  };
};
