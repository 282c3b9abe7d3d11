/**
 * A new record's customer: match the lead (resolve-customer.ts), apply its channel's policy,
 * and build the statements that create or attach the customer in the record's transaction.
 */
import { type FieldDef, type Fields, protectedUntil } from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import type { StoredRecord } from '../commands/record-store.ts';
import type { Ctx } from '../core/context.ts';
import {
  attachLeadStmts,
  createCustomerStmts,
  customerEventStmt,
  linkRecordStmt,
  notifyUserStmt,
} from './customer-stmts.ts';
import { leadFacts } from './facts.ts';
import { loadPoolSettings, type PoolSettings } from './pool-settings.ts';
import { armPoolTimerStmts } from './pool-timers.ts';
import {
  type CustomerDecision,
  type CustomerMatch,
  decideCustomer,
  type EntryChannel,
  matchCustomers,
} from './resolve-customer.ts';

export type LeadEntry = {
  decision: CustomerDecision;
  /** The customer the record will belong to. */
  customerId: string;
  /** Statements for the record's transaction, given the decided record. */
  stmts(prepared: { after: StoredRecord }): Stmt[];
};

const CHANNEL_NAMES: Record<EntryChannel, { 'zh-CN': string; en: string }> = {
  manual: { 'zh-CN': '手动录入', en: 'manual entry' },
  api: { 'zh-CN': 'API', en: 'the API' },
  import: { 'zh-CN': '导入', en: 'an import' },
  form: { 'zh-CN': '表单', en: 'a form' },
  push: { 'zh-CN': '推送', en: 'a push' },
};

/**
 * Resolves the customer of a lead entering through `channel` (throws CustomerTaken when the
 * policy refuses) and returns the statements that write it with the record.
 *
 * @example
 * const entry = await enterLead(ctx, { defs, fields, channel: 'manual', teamId: null });
 * await runCommand({ ..., extraStmts: entry.stmts });
 */
export async function enterLead(
  ctx: Ctx,
  input: {
    defs: readonly FieldDef[];
    fields: Fields;
    channel: EntryChannel;
    teamId: string | null;
    /**
     * Read by the caller for a batch of leads (an import): the pool settings of `teamId`,
     * and this lead's matches as `matchCustomers` answers them.
     */
    preloaded?: { settings: PoolSettings; matches: CustomerMatch[] };
  },
): Promise<LeadEntry> {
  const ws = ctx.user.workspaceId;
  const q = ctx.db.query;
  const facts = leadFacts(input.defs, input.fields);
  const settings = input.preloaded?.settings ?? (await loadPoolSettings(q, ws, input.teamId));
  const matches = input.preloaded?.matches ?? (await matchCustomers(q, ws, facts));
  const actor = { id: ctx.user.id, role: ctx.user.role };
  const decision = decideCustomer(settings.policies[input.channel], matches, actor, ctx.now);
  const customerId = decision.kind === 'attach' ? decision.customer.id : crypto.randomUUID();
  const stmts = (prepared: { after: StoredRecord }): Stmt[] => {
    const rec = prepared.after.state;
    const now = ctx.now;
    if (decision.kind === 'attach') {
      const c = decision.customer;
      const out = attachLeadStmts(ws, c.id, facts, now);
      out.push(
        customerEventStmt(ws, c.id, 'record.attached', ctx.user.id, now, {
          recordId: rec.id,
          channel: input.channel,
        }),
      );
      if (decision.notifyOwner && c.ownerId && c.ownerId !== rec.ownerId) {
        const via = CHANNEL_NAMES[input.channel];
        out.push(
          notifyUserStmt(
            ws,
            c.ownerId,
            null,
            'customer.duplicate',
            {
              'zh-CN': `${ctx.user.name} 通过${via['zh-CN']}为你的客户「${c.name}」新建了一条记录`,
              en: `${ctx.user.name} started a record for your customer “${c.name}” via ${via.en}`,
            },
            now,
          ),
        );
      }
      out.push(linkRecordStmt(ws, rec.id, c.id));
      return out;
    }
    const ownerId = rec.ownerId;
    const out = createCustomerStmts(ws, {
      id: customerId,
      facts,
      ownerId,
      teamId: rec.teamId,
      flagged: decision.flagged,
      protectedUntil: ownerId ? protectedUntil(settings.rules, now, null, ctx.calendar) : null,
      now,
    });
    out.push(
      customerEventStmt(ws, customerId, 'customer.created', ctx.user.id, now, {
        recordId: rec.id,
        channel: input.channel,
        ...(decision.similar.length ? { similarTo: decision.similar.map((m) => m.id) } : {}),
      }),
    );
    if (ownerId) {
      out.push(
        ...armPoolTimerStmts(
          ws,
          customerId,
          settings.rules,
          { lastFollowUpAt: now, ownedSince: now, won: false },
          ctx.calendar,
        ),
      );
    }
    out.push(linkRecordStmt(ws, rec.id, customerId));
    return out;
  };
  return { decision, customerId, stmts };
}
