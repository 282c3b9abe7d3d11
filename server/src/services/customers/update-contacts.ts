/**
 * The contacts part of updateCustomer: each phone and e-mail normalised (an unreadable one is
 * refused with its path, for the form to show beside the field), every new key checked for
 * 撞单 against the other customers, the contacts written and the customer's phone and e-mail
 * keys rebuilt from them — inside the caller's transaction.
 */
import { customerKeys, emailKey, phoneKey } from '@closeloop/engine/customers';
import type { Row } from '../../db/client.ts';
import { Invalid } from '../core/errors.ts';
import { insertKeysStmt } from './customer-stmts.ts';
import { CustomerTaken, matchCustomers } from './resolve-customer.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

export type ContactInput = {
  /** An existing contact to edit; without it a new contact is added. */
  id?: string;
  name?: string | null;
  title?: string | null;
  phone?: string | null;
  email?: string | null;
};

const blank = (s: string | null | undefined) => !s?.trim();

/** Refuses contacts whose phone or e-mail does not read as one, naming each field. */
export function checkContacts(contacts: readonly ContactInput[]): void {
  const errors: Array<{ path: string; message: { 'zh-CN': string; en: string } }> = [];
  contacts.forEach((c, i) => {
    if (!blank(c.phone) && !phoneKey(c.phone ?? '')) {
      errors.push({
        path: `contacts.${i}.phone`,
        message: {
          'zh-CN': '手机号或座机号格式不正确',
          en: 'Not a valid mobile or landline number',
        },
      });
    }
    if (!blank(c.email) && !emailKey(c.email ?? '')) {
      errors.push({
        path: `contacts.${i}.email`,
        message: { 'zh-CN': '邮箱格式不正确', en: 'Not a valid e-mail address' },
      });
    }
    if (blank(c.name) && blank(c.phone) && blank(c.email)) {
      errors.push({
        path: `contacts.${i}.name`,
        message: { 'zh-CN': '请至少填写姓名、电话或邮箱', en: 'Give a name, a phone or an e-mail' },
      });
    }
  });
  if (errors.length) throw new Invalid('invalid-input', 'a contact is not valid', { errors });
}

/**
 * Writes the contacts of customer `customerId` (owned by `ownerId`) and rebuilds its phone and
 * e-mail keys. Throws CustomerTaken when a new phone or e-mail belongs to another customer
 * that someone else owns (the caller learns the owner's name, nothing more).
 */
export async function writeContacts(
  q: Q,
  ws: string,
  customerId: string,
  ownerId: string | null,
  contacts: readonly ContactInput[],
  now: number,
): Promise<void> {
  const had = await q(
    `select kind, value from customer_keys where workspace_id = $1 and customer_id = $2
        and kind in ('phone', 'email')`,
    [ws, customerId],
  );
  const known = new Set(had.map((k) => `${k.kind}:${k.value}`));
  const phones = contacts.map((c) => c.phone ?? '').filter((p) => !blank(p));
  const emails = contacts.map((c) => c.email ?? '').filter((e) => !blank(e));
  const fresh = customerKeys({ kind: 'person', name: '', phones, emails }).filter(
    (k) => (k.kind === 'phone' || k.kind === 'email') && !known.has(`${k.kind}:${k.value}`),
  );
  if (fresh.length) {
    const matches = await matchCustomers(
      q,
      ws,
      {
        kind: 'person',
        name: '',
        nameKey: '',
        uscc: null,
        phones: fresh.filter((k) => k.kind === 'phone').map((k) => k.value),
        emails: fresh.filter((k) => k.kind === 'email').map((k) => k.value),
      },
      { excludeId: customerId },
    );
    const taken = matches.find(
      (m) => m.hard && m.poolState === 'owned' && m.ownerId !== null && m.ownerId !== ownerId,
    );
    if (taken) throw new CustomerTaken(taken);
  }
  for (const c of contacts) {
    const v = [
      c.name?.trim() || null,
      c.title?.trim() || null,
      c.phone?.trim() || null,
      c.email?.trim() || null,
    ];
    if (c.id) {
      await q(
        `update contacts set name = $4, title = $5, phone = $6, email = $7
          where workspace_id = $1 and customer_id = $2 and id = $3`,
        [ws, customerId, c.id, ...v],
      );
    } else {
      await q(
        `insert into contacts (workspace_id, id, customer_id, name, title, phone, email, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8::float8 / 1000))`,
        [ws, crypto.randomUUID(), customerId, ...v, now],
      );
    }
  }
  const all = await q(
    'select phone, email from contacts where workspace_id = $1 and customer_id = $2',
    [ws, customerId],
  );
  await q(
    `delete from customer_keys where workspace_id = $1 and customer_id = $2
        and kind in ('phone', 'email')`,
    [ws, customerId],
  );
  const keys = customerKeys({
    kind: 'person',
    name: '',
    phones: all.map((r) => r.phone).filter((p): p is string => typeof p === 'string'),
    emails: all.map((r) => r.email).filter((e): e is string => typeof e === 'string'),
  });
  const k = insertKeysStmt(ws, customerId, keys);
  await q(k.text, k.params);
}
