import type { Problem, SopDocument } from '@closeloop/engine';
import type { Row } from '../../db/client.ts';
import { teamsOf } from './sop-cache.ts';

/** Problems only the server can see: owner rules naming teams this workspace does not have. */
export async function workspaceProblems(
  query: (text: string, params: unknown[]) => Promise<Row[]>,
  workspaceId: string,
  doc: SopDocument,
): Promise<Problem[]> {
  const named = teamsOf(doc);
  if (named.length === 0) return [];
  const rows = await query(
    'select id from teams where workspace_id = $1 and id = any($2::text[])',
    [workspaceId, named],
  );
  const have = new Set(rows.map((r) => String(r.id)));
  return named
    .filter((t) => !have.has(t))
    .map((t) => ({
      path: 'machine',
      code: 'workspace.unknown-team',
      message: {
        'zh-CN': `分配规则引用的团队「${t}」在本工作区不存在`,
        en: `owner rules name the team "${t}", which this workspace does not have`,
      },
    }));
}
