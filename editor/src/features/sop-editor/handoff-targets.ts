/**
 * The SOPs an action may hand off to: the workspace's published SOPs (their names for the
 * canvas badge and the simulator) and the published document of one (its fields, to map).
 */
import { type LocalizedText, parseSop, type SopDocument } from '@closeloop/engine';
import { useQuery } from '@tanstack/react-query';
import { http, ok } from '../../shared/api/client.ts';
import { keys, useSops } from '../../shared/api/queries.ts';

export type HandoffTarget = { sopId: string; name: LocalizedText; version: number };

/** Published SOPs other than `except`, by id. */
export function usePublishedSops(except?: string): HandoffTarget[] {
  const sops = useSops();
  return (sops.data?.items ?? []).flatMap((s) =>
    s.publishedVersion !== null && s.sopId !== except
      ? [{ sopId: s.sopId, name: s.name, version: s.publishedVersion }]
      : [],
  );
}

/** The name of SOP `sopId` in `lang`, or its id while unknown. */
export function useSopName(sopId: string | undefined, lang: 'zh-CN' | 'en'): string {
  const sops = useSops();
  const s = sops.data?.items.find((x) => x.sopId === sopId);
  return s ? s.name[lang] || s.sopId : (sopId ?? '');
}

/** The published document of `target` (undefined while loading or when none). */
export function useTargetDoc(target: HandoffTarget | undefined): SopDocument | undefined {
  const q = useQuery({
    queryKey: keys.version(target?.sopId ?? '', target?.version ?? 0),
    enabled: !!target,
    queryFn: ({ signal }) =>
      ok(
        http.GET('/sops/{sopId}/versions/{version}', {
          params: { path: { sopId: target?.sopId ?? '', version: target?.version ?? 0 } },
          signal,
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!q.data) return undefined;
  const parsed = parseSop(q.data.doc);
  return parsed.ok ? parsed.doc : undefined;
}
