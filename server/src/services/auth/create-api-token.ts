import { assertRole, type TokenScope } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import { type ApiToken, apiTokenOf, newTokenSecret, TOKEN_COLUMNS } from './api-tokens.ts';
import { sha256 } from './sessions.ts';

export type CreateApiTokenInput = { name: string; scopes: TokenScope[]; expiresAt?: number };

/**
 * Creates an API token (admin). The secret is in this answer only; the table keeps its
 * SHA-256. The token and its `token.created` audit entry commit together.
 */
export const createApiToken: Verb<
  CreateApiTokenInput,
  { token: ApiToken; secret: string }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'creating API tokens');
  if (input.expiresAt !== undefined && input.expiresAt <= ctx.clock.now()) {
    throw new Invalid('invalid-input', 'expiresAt must be in the future', {
      errors: [{ path: 'json.expiresAt', message: 'must be in the future' }],
    });
  }
  const ws = ctx.user.workspaceId;
  const scopes = [...new Set(input.scopes)];
  const { id, secret, token } = newTokenSecret(ws);
  const row = await ctx.db.transaction(async (q) => {
    await q(
      `insert into api_tokens (workspace_id, id, name, scopes, secret_hash, created_by, expires_at)
         values ($1, $2, $3, $4::text[], $5, $6, to_timestamp($7::float8 / 1000))`,
      [ws, id, input.name, scopes, sha256(secret), ctx.user.id, input.expiresAt ?? null],
    );
    const a = auditBy(
      ctx,
      'token.created',
      { type: 'token', id },
      {
        name: input.name,
        scopes,
        expiresAt: input.expiresAt ?? null,
      },
    );
    await q(a.text, a.params);
    const rows = await q(
      `select ${TOKEN_COLUMNS} from api_tokens t
           left join users u on u.workspace_id = t.workspace_id and u.id = t.created_by
          where t.workspace_id = $1 and t.id = $2`,
      [ws, id],
    );
    return rows[0];
  });
  if (!row) throw new Error('token vanished');
  return { token: apiTokenOf(row), secret: token };
};
