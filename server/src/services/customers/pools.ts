/**
 * Pool settings verbs: list the workspace default and team overrides; change one (admins:
 * any; managers: their teams' overrides). A change applies to timers armed from then on.
 */
import { PoolRules } from '@closeloop/engine';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { Forbidden, Invalid, NotFound } from '../core/errors.ts';
import { listPoolSettings, Policies, type PoolSettings, poolIdOf } from './pool-settings.ts';

export const listPools: Verb<Record<string, never>, { items: PoolSettings[] }> = async ({
  ctx,
}) => {
  assertRole(ctx.user, ['admin', 'manager', 'rep'], 'seeing pool rules');
  return { items: await listPoolSettings(ctx.db.query, ctx.user.workspaceId) };
};

export type UpdatePoolInput = {
  /** `default` or `team:<teamId>`. */
  poolId: string;
  rules: unknown;
  policies?: unknown;
};

export const updatePool: Verb<UpdatePoolInput, PoolSettings> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin', 'manager'], 'changing pool rules');
  const ws = ctx.user.workspaceId;
  const teamId = input.poolId.startsWith('team:') ? input.poolId.slice(5) : null;
  if (input.poolId !== 'default' && !teamId) throw new NotFound('pool', input.poolId);
  if (ctx.user.role !== 'admin' && (!teamId || !ctx.user.managedTeamIds.includes(teamId))) {
    throw new Forbidden('managers change the pool rules of the teams they manage');
  }
  if (teamId) {
    const team = await ctx.db.query('select 1 from teams where workspace_id = $1 and id = $2', [
      ws,
      teamId,
    ]);
    if (team.length === 0) throw new NotFound('team', teamId);
  }
  const rules = PoolRules.safeParse(input.rules);
  const policies = Policies.safeParse(input.policies ?? {});
  if (!rules.success || !policies.success) {
    const issues = [
      ...(rules.success
        ? []
        : rules.error.issues.map((i) => ({ ...i, path: ['rules', ...i.path] }))),
      ...(policies.success
        ? []
        : policies.error.issues.map((i) => ({ ...i, path: ['policies', ...i.path] }))),
    ];
    throw new Invalid('invalid-input', 'the pool rules are not valid', {
      errors: issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const id = poolIdOf(teamId);
  await ctx.db.transaction(async (q) => {
    await q(
      `insert into pools (workspace_id, id, team_id, rules, policies, updated_at)
       values ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, to_timestamp($6::float8 / 1000))
       on conflict (workspace_id, id) do update
         set rules = excluded.rules, policies = excluded.policies, updated_at = excluded.updated_at`,
      [ws, id, teamId, JSON.stringify(rules.data), JSON.stringify(policies.data), ctx.now],
    );
    const a = auditBy(
      ctx,
      'pool.updated',
      { type: 'pool', id },
      {
        rules: rules.data,
        policies: policies.data,
      },
    );
    await q(a.text, a.params);
  });
  const all = await listPoolSettings(ctx.db.query, ws);
  const out = all.find((p) => p.id === id);
  if (!out) throw new NotFound('pool', id);
  return out;
};
