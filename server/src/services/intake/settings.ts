/**
 * The workspace's intake settings: whether reps may import leads (always into their own
 * name). Off by default; admins switch it.
 */
import { assertRole } from '../core/access.ts';
import type { Ctx, Verb } from '../core/context.ts';

export type IntakeSettings = { repsMayImport: boolean };

/** The stored settings of the caller's workspace. */
export async function loadIntakeSettings(ctx: Ctx): Promise<IntakeSettings> {
  const rows = await ctx.db.query('select reps_may_import from workspaces where id = $1', [
    ctx.user.workspaceId,
  ]);
  return { repsMayImport: rows[0]?.reps_may_import === true };
}

/** Every signed-in user reads them (the navigation shows reps the import page when allowed). */
export const getIntakeSettings: Verb<Record<string, never>, IntakeSettings> = ({ ctx }) =>
  loadIntakeSettings(ctx);

export const updateIntakeSettings: Verb<Partial<IntakeSettings>, IntakeSettings> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin'], 'intake settings');
  if (input.repsMayImport !== undefined) {
    await ctx.db.query('update workspaces set reps_may_import = $2 where id = $1', [
      ctx.user.workspaceId,
      input.repsMayImport,
    ]);
  }
  return loadIntakeSettings(ctx);
};
