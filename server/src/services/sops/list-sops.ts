import type { LocalizedText, SopDocument } from '@closeloop/engine';
import { visibilitySql } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { toMs } from './sop-common.ts';

export type SopSummary = {
  sopId: string;
  name: LocalizedText;
  draftUpdatedAt: number | null;
  publishedVersion: number | null;
  recordCount: number;
  openCount: number;
  /** The published version's tags (its category: lead, after-sales, handover…). */
  tags: string[];
  /**
   * Whether the caller starts records of it by hand (quick capture): its published version
   * has capture fields and its `startableBy` (all roles when absent) names the caller's role.
   */
  startable: boolean;
};

function startable(doc: SopDocument | null, role: string): boolean {
  if (!doc?.fields.some((f) => f.capture)) return false;
  return !doc.startableBy || doc.startableBy.some((r) => r === role);
}

const isText = (v: unknown): v is LocalizedText =>
  !!v && typeof v === 'object' && 'en' in v && 'zh-CN' in v;

/** Every SOP of the workspace; the record counts cover only the records the caller may see. */
export const listSops: Verb<Record<string, never>, { items: SopSummary[] }> = async ({ ctx }) => {
  const vis = visibilitySql(ctx.user, 2);
  const seen = vis ? `and ${vis.sql}` : '';
  const rows = await ctx.db.query(
    `select s.id, s.name, s.draft_updated_at, s.published_version,
            (select count(*)::int from records r where r.workspace_id = s.workspace_id and r.sop_id = s.id ${seen}) as record_count,
            (select count(*)::int from records r where r.workspace_id = s.workspace_id and r.sop_id = s.id and r.status = 'open' ${seen}) as open_count
       from sops s where s.workspace_id = $1 order by s.id`,
    [ctx.user.workspaceId, ...(vis?.params ?? [])],
  );
  const published = await Promise.all(
    rows.map((r) =>
      r.published_version === null
        ? null
        : ctx.sops
            .get(ctx.user.workspaceId, String(r.id), Number(r.published_version))
            .then((l) => l.doc)
            .catch(() => null),
    ),
  );
  return {
    items: rows.map((r, i) => ({
      sopId: String(r.id),
      name: isText(r.name) ? r.name : { 'zh-CN': String(r.id), en: String(r.id) },
      draftUpdatedAt: toMs(r.draft_updated_at),
      publishedVersion: r.published_version === null ? null : Number(r.published_version),
      recordCount: Number(r.record_count),
      openCount: Number(r.open_count),
      tags: published[i]?.tags ?? [],
      startable: startable(published[i] ?? null, ctx.user.role),
    })),
  };
};
