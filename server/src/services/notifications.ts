import type { LocalizedText } from '@closeloop/engine';
import type { Verb } from './context.ts';
import { NotFound } from './errors.ts';
import { toMs } from './sop-common.ts';

export type NotificationView = {
  id: string;
  recordId: string | null;
  kind: string;
  message: LocalizedText;
  createdAt: number | null;
  readAt: number | null;
};

const isText = (v: unknown): v is LocalizedText =>
  !!v && typeof v === 'object' && 'en' in v && 'zh-CN' in v;

/** The caller's notifications, newest first, with the unread count. */
export const listNotifications: Verb<
  { unread?: boolean; limit?: number },
  { items: NotificationView[]; unread: number }
> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const [rows, counts] = await Promise.all([
    ctx.db.query(
      `select id, record_id, kind, message, created_at, read_at from notifications
        where workspace_id = $1 and user_id = $2 ${input.unread ? 'and read_at is null' : ''}
        order by created_at desc, id limit $3`,
      [ws, ctx.user.id, limit],
    ),
    ctx.db.query(
      `select count(*)::int as n from notifications
        where workspace_id = $1 and user_id = $2 and read_at is null`,
      [ws, ctx.user.id],
    ),
  ]);
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      recordId: typeof r.record_id === 'string' ? r.record_id : null,
      kind: String(r.kind),
      message: isText(r.message) ? r.message : { 'zh-CN': '', en: '' },
      createdAt: toMs(r.created_at),
      readAt: toMs(r.read_at),
    })),
    unread: Number(counts[0]?.n ?? 0),
  };
};

export const markNotificationRead: Verb<{ id: string }, { id: string; readAt: number }> = async ({
  ctx,
  input,
}) => {
  const rows = await ctx.db.query(
    `update notifications set read_at = coalesce(read_at, to_timestamp($4::float8 / 1000))
      where workspace_id = $1 and user_id = $2 and id = $3
      returning (extract(epoch from read_at) * 1000)::float8 as read_ms`,
    [ctx.user.workspaceId, ctx.user.id, input.id, ctx.now],
  );
  const row = rows[0];
  if (!row) throw new NotFound('notification', input.id);
  return { id: input.id, readAt: Math.round(Number(row.read_ms)) };
};
