import { visibilitySql } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { toMs } from './sop-common.ts';

export type SopVersionSummary = {
  version: number;
  note: string;
  hash: string;
  publishedAt: number | null;
  publishedBy: string | null;
  recordCount: number;
};

export const listSopVersions: Verb<{ sopId: string }, { items: SopVersionSummary[] }> = async ({
  ctx,
  input,
}) => {
  const ws = ctx.user.workspaceId;
  const exists = await ctx.db.query('select 1 from sops where workspace_id = $1 and id = $2', [
    ws,
    input.sopId,
  ]);
  if (exists.length === 0) throw new NotFound('SOP', input.sopId);
  // the record counts cover only the records the caller may see (none for a trainer)
  const vis = visibilitySql(ctx.user, 3);
  const rows = await ctx.db.query(
    `select v.version, v.note, v.hash, v.published_at, v.published_by,
            (select count(*)::int from records r where r.workspace_id = v.workspace_id
               and r.sop_id = v.sop_id and r.sop_version = v.version
               ${vis ? `and ${vis.sql}` : ''}) as record_count
       from sop_versions v where v.workspace_id = $1 and v.sop_id = $2 order by v.version desc`,
    [ws, input.sopId, ...(vis?.params ?? [])],
  );
  return {
    items: rows.map((r) => ({
      version: Number(r.version),
      note: String(r.note),
      hash: String(r.hash),
      publishedAt: toMs(r.published_at),
      publishedBy: typeof r.published_by === 'string' ? r.published_by : null,
      recordCount: Number(r.record_count),
    })),
  };
};
