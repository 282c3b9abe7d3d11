import type { Verb } from '../core/context.ts';
import { type NotificationRule, reach, rulesOf } from './rules.ts';

/** The notification rules the caller manages (admins: all; managers: their teams'). */
export const listNotificationRules: Verb<
  Record<string, never>,
  { items: NotificationRule[] }
> = async ({ ctx }) => ({
  items: await rulesOf((t, p) => ctx.db.query(t, p), ctx.user.workspaceId, reach(ctx.user)),
});
