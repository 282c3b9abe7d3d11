import { templates } from '@closeloop/sop-library';
import type { Verb } from '../core/context.ts';
import { type LoadedSop, loadSop } from '../sops/sop-cache.ts';
import { type LibraryItem, libraryItem, matches } from './library-items.ts';

/** Library templates, parsed and compiled once per process. */
let loadedTemplates: Array<{ id: string; sop: LoadedSop }> | null = null;

export function libraryTemplates(): Array<{ id: string; sop: LoadedSop }> {
  loadedTemplates ??= templates.map((t) => ({ id: t.id, sop: loadSop(t.doc) }));
  return loadedTemplates;
}

export async function publishedSops(
  ctx: Parameters<Verb<unknown, unknown>>[0]['ctx'],
): Promise<Array<{ id: string; sop: LoadedSop }>> {
  const rows = await ctx.db.query(
    `select id, published_version from sops
      where workspace_id = $1 and published_version is not null order by id`,
    [ctx.user.workspaceId],
  );
  return Promise.all(
    rows.map(async (r) => ({
      id: String(r.id),
      sop: await ctx.sops.get(ctx.user.workspaceId, String(r.id), Number(r.published_version)),
    })),
  );
}

export type LibraryList = {
  templates: LibraryItem[];
  sops: LibraryItem[];
  /** Every tag in the library and the workspace, for the filter. */
  tags: string[];
};

/**
 * The SOP library: the built-in templates and the workspace's published SOPs, searched by
 * text (names, stages, fields, actions, in both languages) and filtered by tag.
 */
export const listLibrary: Verb<{ q?: string; tag?: string }, LibraryList> = async ({
  ctx,
  input,
}) => {
  const lib = libraryTemplates();
  const mine = await publishedSops(ctx);
  const tags = [...new Set([...lib, ...mine].flatMap((x) => x.sop.doc.tags ?? []))].sort();
  return {
    templates: lib
      .filter((t) => matches(t.sop, input.q, input.tag))
      .map((t) => libraryItem('template', t.id, t.sop)),
    sops: mine
      .filter((s) => matches(s.sop, input.q, input.tag))
      .map((s) => libraryItem('sop', s.id, s.sop)),
    tags,
  };
};
