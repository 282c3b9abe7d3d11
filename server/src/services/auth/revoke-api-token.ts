import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { type ApiToken, apiTokenOf, TOKEN_COLUMNS } from './api-tokens.ts';

/**
 * Revokes an API token (admin); it answers 401 from the next request on. Idempotent: a
 * second revoke keeps the first `revokedAt` and writes no second audit entry.
 */
export const revokeApiToken: Verb<{ tokenId: string }, ApiToken> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'revoking API tokens');
  const ws = ctx.user.workspaceId;
  const row = await ctx.db.transaction(async (q) => {
    const revoked = await q(
      `update api_tokens set revoked_at = now(), revoked_by = $3
        where workspace_id = $1 and id = $2 and revoked_at is null returning name`,
      [ws, input.tokenId, ctx.user.id],
    );
    if (revoked[0]) {
      const a = auditBy(
        ctx,
        'token.revoked',
        { type: 'token', id: input.tokenId },
        {
          name: String(revoked[0].name),
        },
      );
      await q(a.text, a.params);
    }
    const rows = await q(
      `select ${TOKEN_COLUMNS} from api_tokens t
         left join users u on u.workspace_id = t.workspace_id and u.id = t.created_by
        where t.workspace_id = $1 and t.id = $2`,
      [ws, input.tokenId],
    );
    return rows[0];
  });
  if (!row) throw new NotFound('API token', input.tokenId);
  return apiTokenOf(row);
};
