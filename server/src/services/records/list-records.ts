import { storedRecordOf } from '../commands/record-store.ts';
import { type RecordView, recordView } from '../commands/record-view.ts';
import { assertWorksRecords, visibilitySql } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';

export type ListRecordsInput = {
  sopId?: string;
  stage?: string;
  ownerId?: string;
  teamId?: string;
  status?: 'open' | 'won' | 'lost' | 'done' | 'closed';
  overdue?: boolean;
  q?: string;
  cursor?: string;
  limit?: number;
};

type Cursor = { c: number; i: string };

function decodeCursor(raw: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && 'c' in v && 'i' in v) {
      const c = Number(v.c);
      const i = String(v.i);
      if (Number.isFinite(c)) return { c, i };
    }
  } catch {
    // fall through
  }
  throw new Invalid('invalid-input', 'the cursor is not one this server gave out', {
    errors: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** Records the caller may see, newest first, filtered; cursor pagination on (created_at, id). */
export const listRecords: Verb<
  ListRecordsInput,
  { items: RecordView[]; nextCursor: string | null }
> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const where: string[] = ['r.workspace_id = $1'];
  const params: unknown[] = [ctx.user.workspaceId];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  const vis = visibilitySql(ctx.user, params.length + 1);
  if (vis) {
    params.push(...vis.params);
    where.push(vis.sql);
  }
  if (input.sopId) add((n) => `r.sop_id = $${n}`, input.sopId);
  if (input.stage) add((n) => `$${n} = any(r.stages)`, input.stage);
  if (input.ownerId) add((n) => `r.owner_id = $${n}`, input.ownerId);
  if (input.teamId) add((n) => `r.team_id = $${n}`, input.teamId);
  if (input.status === 'closed') where.push(`r.status <> 'open'`);
  else if (input.status) add((n) => `r.status = $${n}`, input.status);
  if (input.overdue === true) {
    add((n) => `r.status = 'open' and r.due_at <= to_timestamp($${n}::float8 / 1000)`, ctx.now);
  } else if (input.overdue === false) {
    add((n) => `(r.due_at is null or r.due_at > to_timestamp($${n}::float8 / 1000))`, ctx.now);
  }
  if (input.q) {
    const escaped = input.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`);
    add((n) => `r.search like $${n}`, `%${escaped}%`);
  }
  if (input.cursor) {
    const cur = decodeCursor(input.cursor);
    params.push(cur.c, cur.i);
    const a = params.length - 1;
    where.push(`(r.created_at, r.id) < (to_timestamp($${a}::float8 / 1000), $${a + 1})`);
  }
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  params.push(limit + 1);
  const rows = await ctx.db.query(
    `select r.state, r.version, r.event_count,
              (extract(epoch from r.created_at) * 1000)::float8 as created_ms
         from records r where ${where.join(' and ')}
        order by r.created_at desc, r.id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ c: Number(last.created_ms), i: storedRecordOf(last).state.id })
      : null;
  return { items: page.map((r) => recordView(storedRecordOf(r).state, ctx.now)), nextCursor };
};
