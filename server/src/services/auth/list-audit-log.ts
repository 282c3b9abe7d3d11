import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';

export type AuditEntry = {
  id: string;
  at: number;
  actorType: 'user' | 'token' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
};

export type ListAuditLogInput = {
  /** An exact action, or a prefix ending in `.` (`auth.`). */
  action?: string;
  actorId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  cursor?: string;
  limit?: number;
};

const isActorType = (v: unknown): v is AuditEntry['actorType'] =>
  v === 'user' || v === 'token' || v === 'system';

/** The cursor names the last entry shown: its time in microseconds (exact) and its id. */
function encodeCursor(atUs: string, id: string): string {
  return Buffer.from(`${atUs}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { atUs: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const bar = text.indexOf('|');
  const atUs = text.slice(0, bar);
  const id = text.slice(bar + 1);
  if (bar <= 0 || !/^-?\d{1,20}$/.test(atUs) || !id) {
    throw new Invalid('invalid-input', 'the cursor is not one this list gave out', {
      errors: [{ path: 'query.cursor', message: 'unknown cursor' }],
    });
  }
  return { atUs, id };
}

/**
 * The workspace's audit log, newest first, with keyset pagination on (at, id) — stable
 * while entries are being added (admin only).
 */
export const listAuditLog: Verb<
  ListAuditLogInput,
  { items: AuditEntry[]; nextCursor: string | null }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'reading the audit log');
  const limit = input.limit ?? 50;
  const params: unknown[] = [ctx.user.workspaceId];
  const where = ['a.workspace_id = $1'];
  const add = (sql: (n: number) => string, ...values: unknown[]) => {
    const n = params.length + 1;
    params.push(...values);
    where.push(sql(n));
  };
  if (input.action) {
    if (input.action.endsWith('.')) add((n) => `starts_with(a.action, $${n})`, input.action);
    else add((n) => `a.action = $${n}`, input.action);
  }
  if (input.actorId) add((n) => `a.actor_id = $${n}`, input.actorId);
  if (input.from !== undefined)
    add((n) => `a.at >= to_timestamp($${n}::float8 / 1000)`, input.from);
  if (input.to !== undefined) add((n) => `a.at < to_timestamp($${n}::float8 / 1000)`, input.to);
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    add(
      (n) =>
        `(a.at, a.id) < (timestamptz 'epoch' + $${n}::bigint * interval '1 microsecond', $${n + 1})`,
      c.atUs,
      c.id,
    );
  }
  params.push(limit + 1);
  const rows = await ctx.db.query(
    `select a.id, (extract(epoch from a.at) * 1000000)::bigint::text as at_us, a.actor_type,
            a.actor_id, case a.actor_type when 'user' then u.name when 'token' then t.name end
              as actor_name,
            a.action, a.target_type, a.target_id, a.detail, a.ip
       from audit_log a
       left join users u
         on a.actor_type = 'user' and u.workspace_id = a.workspace_id and u.id = a.actor_id
       left join api_tokens t
         on a.actor_type = 'token' and t.workspace_id = a.workspace_id and t.id = a.actor_id
      where ${where.join(' and ')}
      order by a.at desc, a.id desc
      limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    items: page.map((r) => {
      return {
        id: String(r.id),
        at: Math.floor(Number(r.at_us) / 1000),
        actorType: isActorType(r.actor_type) ? r.actor_type : 'system',
        actorId: str(r.actor_id),
        actorName: str(r.actor_name),
        action: String(r.action),
        targetType: str(r.target_type),
        targetId: str(r.target_id),
        detail:
          r.detail && typeof r.detail === 'object' && !Array.isArray(r.detail)
            ? { ...r.detail }
            : {},
        ip: str(r.ip),
      };
    }),
    nextCursor:
      rows.length > limit && last ? encodeCursor(String(last.at_us), String(last.id)) : null,
  };
};
