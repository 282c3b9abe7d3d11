import { type Fields, type LocalizedText, recordLabel } from '@closeloop/engine';
import { visibilitySql } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { toMs } from '../sops/sop-common.ts';

export type NotificationView = {
  id: string;
  recordId: string | null;
  /** How the record is named (title '' when nothing names it); null once the caller may no longer see it. */
  record: { title: string; subtitle: string } | null;
  kind: string;
  message: LocalizedText;
  createdAt: number | null;
  readAt: number | null;
  /** Set on the one item standing for all notifications of one handover. */
  group?: {
    count: number;
    ids: string[];
    records: Array<{ id: string; title: string; subtitle: string } | null>;
  };
};

/** Kinds sent once per record by one bulk change; the rows of one change share their time. */
const GROUPED_KINDS = new Set(['handed-over']);

/**
 * Folds the notifications of one handover (same kind, same moment: one transaction) into
 * one item with the count and the records' names, so 33 records handed over make one entry.
 */
export function groupNotifications(items: NotificationView[]): NotificationView[] {
  const out: NotificationView[] = [];
  const byKey = new Map<string, NotificationView>();
  for (const n of items) {
    const key =
      GROUPED_KINDS.has(n.kind) && n.createdAt !== null ? `${n.kind}@${n.createdAt}` : null;
    const head = key ? byKey.get(key) : undefined;
    if (!key || !head) {
      if (key) byKey.set(key, n);
      out.push(n);
      continue;
    }
    const g = head.group ?? {
      count: 1,
      ids: [head.id],
      records: [
        head.recordId
          ? { id: head.recordId, ...(head.record ?? { title: '', subtitle: '' }) }
          : null,
      ],
    };
    g.count += 1;
    g.ids.push(n.id);
    g.records.push(
      n.recordId ? { id: n.recordId, ...(n.record ?? { title: '', subtitle: '' }) } : null,
    );
    head.group = g;
    // unread while any of them is
    if (n.readAt === null) head.readAt = null;
  }
  return out;
}

const isText = (v: unknown): v is LocalizedText =>
  !!v && typeof v === 'object' && 'en' in v && 'zh-CN' in v;

/** The caller's notifications, newest first, with the unread count and each record's name. */
export const listNotifications: Verb<
  { unread?: boolean; limit?: number },
  { items: NotificationView[]; unread: number }
> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const vis = visibilitySql(ctx.user, 4);
  const [rows, counts] = await Promise.all([
    ctx.db.query(
      `select n.id, n.record_id, n.kind, n.message, n.created_at, n.read_at,
              r.fields, r.sop_id, r.sop_version
         from notifications n
         left join records r on r.workspace_id = n.workspace_id and r.id = n.record_id
                             ${vis ? `and ${vis.sql}` : ''}
        where n.workspace_id = $1 and n.user_id = $2 ${input.unread ? 'and n.read_at is null' : ''}
        order by n.created_at desc, n.id limit $3`,
      [ws, ctx.user.id, limit, ...(vis?.params ?? [])],
    ),
    ctx.db.query(
      // one handover counts once (see groupNotifications)
      `select count(distinct case when kind = 'handed-over' then kind || created_at::text else id end)::int as n
         from notifications
        where workspace_id = $1 and user_id = $2 and read_at is null`,
      [ws, ctx.user.id],
    ),
  ]);
  const items = await Promise.all(
    rows.map(async (r) => ({
      id: String(r.id),
      recordId: typeof r.record_id === 'string' ? r.record_id : null,
      record: await labelOf(r),
      kind: String(r.kind),
      message: isText(r.message) ? r.message : { 'zh-CN': '', en: '' },
      createdAt: toMs(r.created_at),
      readAt: toMs(r.read_at),
    })),
  );
  return { items: groupNotifications(items), unread: Number(counts[0]?.n ?? 0) };

  async function labelOf(r: Record<string, unknown>) {
    if (typeof r.sop_id !== 'string' || !r.fields || typeof r.fields !== 'object') return null;
    try {
      const sop = await ctx.sops.get(ws, r.sop_id, Number(r.sop_version));
      // visible but with nothing filled that names it: an empty title (the UI says untitled)
      return recordLabel(r.fields as Fields, sop.doc.fields) ?? { title: '', subtitle: '' };
    } catch (e) {
      if (e instanceof NotFound) return null; // its SOP version is gone: nameless
      throw e;
    }
  }
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
