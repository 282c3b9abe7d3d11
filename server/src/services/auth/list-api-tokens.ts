import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { type ApiToken, apiTokenOf, TOKEN_COLUMNS } from './api-tokens.ts';

/** The workspace's API tokens, newest first, revoked ones included (admin). Never a secret. */
export const listApiTokens: Verb<Record<string, never>, { items: ApiToken[] }> = async ({
  ctx,
}) => {
  assertRole(ctx.user, ['admin'], 'listing API tokens');
  const rows = await ctx.db.query(
    `select ${TOKEN_COLUMNS} from api_tokens t
       left join users u on u.workspace_id = t.workspace_id and u.id = t.created_by
      where t.workspace_id = $1
      order by t.created_at desc, t.id desc`,
    [ctx.user.workspaceId],
  );
  return { items: rows.map(apiTokenOf) };
};
