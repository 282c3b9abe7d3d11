/**
 * The audit log: one append-only row per security-relevant act — sign-ins and
 * failures, sign-outs, user and team changes, invites, publishes, overrides, handovers,
 * exports, API token creation, revocation and use.
 *
 * `auditStmt` builds the INSERT so the caller runs it inside the same transaction as the
 * change it describes (an audited change and its audit row commit together, or neither).
 * Ids are UUIDv7, so entries written in one transaction (same `at`) keep their order.
 */
import type { Db, Row, Stmt } from '../../db/client.ts';
import type { AuthUser, Ctx } from './context.ts';

export type AuditActor = { type: 'user' | 'token' | 'system'; id: string | null };

export type AuditEntryInput = {
  workspaceId: string;
  actor: AuditActor;
  /** Dotted, past tense: `auth.signed-in`, `user.role-changed`, `token.used`. */
  action: string;
  target?: { type: string; id: string | null } | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
};

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

/** The actor for a signed-in caller: the person, or the API token acting. */
export function actorOf(user: AuthUser): AuditActor {
  return user.token ? { type: 'token', id: user.token.id } : { type: 'user', id: user.id };
}

/**
 * The INSERT for one entry; it returns the new row's id (one row), so it can also serve as
 * a guard statement of the command path (command.ts `guards`).
 *
 * @example
 * await ctx.db.transaction(async (q) => {
 *   await q('update users set role = $3 where workspace_id = $1 and id = $2', [ws, id, role]);
 *   const a = auditStmt({ workspaceId: ws, actor: actorOf(ctx.user), action: 'user.role-changed' });
 *   await q(a.text, a.params);
 * });
 */
export function auditStmt(e: AuditEntryInput): Stmt {
  return {
    text: `insert into audit_log (workspace_id, id, actor_type, actor_id, action, target_type,
             target_id, detail, ip)
           values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9) returning id`,
    params: [
      e.workspaceId,
      Bun.randomUUIDv7(),
      e.actor.type,
      e.actor.id,
      e.action,
      e.target?.type ?? null,
      e.target?.id ?? null,
      JSON.stringify(e.detail ?? {}),
      e.ip ?? null,
    ],
  };
}

/** The entry for an act by the caller of `ctx`, in its workspace, from its address. */
export function auditBy(
  ctx: Ctx,
  action: string,
  target: AuditEntryInput['target'] = null,
  detail: Record<string, unknown> = {},
): Stmt {
  return auditStmt({
    workspaceId: ctx.user.workspaceId,
    actor: actorOf(ctx.user),
    action,
    target,
    detail,
    ip: ctx.ip ?? null,
  });
}

/** Runs an audit INSERT on a transaction's `q`, or on its own when the act wrote nothing else. */
export async function writeAudit(on: Db | Q, stmt: Stmt): Promise<void> {
  if (typeof on === 'function') await on(stmt.text, stmt.params);
  else await on.query(stmt.text, stmt.params);
}
