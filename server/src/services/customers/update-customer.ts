/**
 * Editing a customer (name, kind, 统一社会信用代码, source, region, industry, contacts), its
 * match keys rewritten in the same transaction (a contact's new phone or e-mail is checked for
 * 撞单 first: update-contacts.ts); and the "ask the owner / ask my manager" request a rep
 * sends after a 撞单 refusal.
 */
import { customerKeys, usccKey } from '@closeloop/engine/customers';
import { assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.ts';
import { customerEventStmt, insertKeysStmt, notifyUserStmt } from './customer-stmts.ts';
import {
  CUSTOMER_COLUMNS,
  type CustomerView,
  canManageCustomer,
  customerViewOf,
  refOf,
} from './customer-view.ts';
import { nameKeyOf } from './facts.ts';
import { type ContactInput, checkContacts, writeContacts } from './update-contacts.ts';

export type UpdateCustomerInput = {
  customerId: string;
  version: number;
  name?: string;
  kind?: 'company' | 'person';
  uscc?: string | null;
  source?: string | null;
  region?: string | null;
  industry?: string | null;
  /** Contacts to add (no id) or edit (with id); the rest stay as they are. */
  contacts?: ContactInput[];
};

export const updateCustomer: Verb<UpdateCustomerInput, CustomerView> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const ws = ctx.user.workspaceId;
  if (input.uscc && !usccKey(input.uscc)) {
    throw new Invalid('invalid-input', 'the 统一社会信用代码 fails its check character', {
      errors: [
        {
          path: 'uscc',
          message: {
            'zh-CN': '统一社会信用代码校验位不正确',
            en: 'The credit code’s check character is wrong',
          },
        },
      ],
    });
  }
  if (input.contacts?.length) checkContacts(input.contacts);
  return ctx.db.transaction(async (q) => {
    const rows = await q(
      `select ${CUSTOMER_COLUMNS} from customers c where c.workspace_id = $1 and c.id = $2 for update`,
      [ws, input.customerId],
    );
    const row = rows[0];
    if (!row || typeof row.merged_into === 'string')
      throw new NotFound('customer', input.customerId);
    if (row.owner_id !== ctx.user.id && !canManageCustomer(ctx.user, refOf(row))) {
      throw new Forbidden('only the owner or their manager may edit this customer');
    }
    if (Number(row.version) !== input.version) {
      throw new Conflict('stale-version', `the customer is at version ${row.version}`, {
        extra: { currentVersion: Number(row.version) },
      });
    }
    const cur = customerViewOf(row, false);
    const next = {
      name: input.name?.trim() || cur.name,
      kind: input.kind ?? cur.kind,
      uscc: input.uscc === undefined ? cur.uscc : input.uscc && usccKey(input.uscc),
      source: input.source === undefined ? cur.source : input.source,
      region: input.region === undefined ? cur.region : input.region,
      industry: input.industry === undefined ? cur.industry : input.industry,
    };
    await q(
      `update customers set name = $3, kind = $4, uscc = $5, source = $6, region = $7, industry = $8,
              name_key = $9, version = version + 1, updated_at = to_timestamp($10::float8 / 1000)
        where workspace_id = $1 and id = $2`,
      [
        ws,
        input.customerId,
        next.name,
        next.kind,
        next.uscc,
        next.source,
        next.region,
        next.industry,
        nameKeyOf(next.kind, next.name),
        ctx.now,
      ],
    );
    // the name and code keys follow the edit; phone and e-mail keys belong to contacts
    await q(
      `delete from customer_keys where workspace_id = $1 and customer_id = $2
          and kind in ('uscc', 'company', 'pinyin')`,
      [ws, input.customerId],
    );
    const keys = customerKeys({ kind: next.kind, name: next.name, uscc: next.uscc });
    const k = insertKeysStmt(ws, input.customerId, keys);
    await q(k.text, k.params);
    if (input.contacts?.length) {
      const owner = typeof row.owner_id === 'string' ? row.owner_id : null;
      await writeContacts(q, ws, input.customerId, owner, input.contacts, ctx.now);
    }
    const e = customerEventStmt(ws, input.customerId, 'customer.updated', ctx.user.id, ctx.now, {
      before: { name: cur.name, kind: cur.kind, uscc: cur.uscc },
    });
    await q(e.text, e.params);
    const out = await q(
      `select ${CUSTOMER_COLUMNS} from customers c where c.workspace_id = $1 and c.id = $2`,
      [ws, input.customerId],
    );
    const updated = out[0];
    if (!updated) throw new NotFound('customer', input.customerId);
    return customerViewOf(updated, false);
  });
};

export type AccessRequestInput = { customerId: string; to: 'owner' | 'manager'; note?: string };

/**
 * After a 撞单 refusal: tells the customer's owner, or the caller's managers, that the caller
 * wants to work this customer. The caller learns nothing more about it.
 */
export const requestCustomerAccess: Verb<AccessRequestInput, { notified: number }> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const ws = ctx.user.workspaceId;
  const rows = await ctx.db.query(
    `select c.owner_id, c.name, u.name as owner_name from customers c
       left join users u on u.workspace_id = c.workspace_id and u.id = c.owner_id
      where c.workspace_id = $1 and c.id = $2 and c.merged_into is null`,
    [ws, input.customerId],
  );
  const row = rows[0];
  if (!row) throw new NotFound('customer', input.customerId);
  const owner = typeof row.owner_id === 'string' ? row.owner_id : null;
  const ownerName = typeof row.owner_name === 'string' ? row.owner_name : '—';
  let to: string[] = [];
  if (input.to === 'owner') {
    if (owner) to = [owner];
  } else {
    const managers = await ctx.db.query(
      `select distinct m.user_id from memberships m where m.workspace_id = $1
          and m.team_id = any($2::text[]) and m.role = 'manager' and m.user_id <> $3`,
      [ws, ctx.user.teamIds, ctx.user.id],
    );
    to = managers.map((m) => String(m.user_id));
  }
  const note = input.note?.trim() ? `: ${input.note.trim().slice(0, 300)}` : '';
  const stmts = to.map((userId) =>
    notifyUserStmt(
      ws,
      userId,
      null,
      'customer.access-requested',
      input.to === 'owner'
        ? {
            'zh-CN': `${ctx.user.name} 想跟进你的客户「${String(row.name)}」${note}`,
            en: `${ctx.user.name} would like to work your customer “${String(row.name)}”${note}`,
          }
        : {
            'zh-CN': `${ctx.user.name} 录入的客户已由 ${ownerName} 负责，请协调${note}`,
            en: `${ctx.user.name} entered a customer ${ownerName} owns; please decide${note}`,
          },
      ctx.now,
    ),
  );
  stmts.push(
    customerEventStmt(ws, input.customerId, 'customer.access-requested', ctx.user.id, ctx.now, {
      to: input.to,
    }),
  );
  await ctx.db.batch(stmts);
  return { notified: to.length };
};
