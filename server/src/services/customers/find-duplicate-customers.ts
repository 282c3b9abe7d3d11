/**
 * The customer half of the duplicate check a rep runs before capturing a lead: customers
 * sharing a hard key (统一社会信用代码, phone, e-mail) or a soft one (company key, pinyin, a
 * similar name) with the input, through the same matchCustomers every entry point uses. A
 * customer the caller may not see is told by its owner's name and the kinds of key only.
 */
import type { CustomerKeyKind } from '@closeloop/engine/customers';
import type { Ctx } from '../core/context.ts';
import { canSeeCustomer } from './customer-view.ts';
import { nameKeyOf } from './facts.ts';
import { matchCustomers } from './resolve-customer.ts';

export type CustomerDuplicate = {
  /** The keys that matched; `similar` is a look-alike company name. */
  matchedOn: Array<CustomerKeyKind | 'similar'>;
  /** Whether a hard key (统一社会信用代码, phone, e-mail) matched. */
  hard: boolean;
  /** Whether the caller may open the customer; when false only `ownerName` is told. */
  visible: boolean;
  ownerName: string | null;
  poolState: 'owned' | 'pool';
  customer?: { id: string; name: string; kind: 'company' | 'person'; ownerId: string | null };
};

const MAX_CUSTOMERS = 10;

/**
 * Customers matching the lead's phone, e-mail, company or credit code, hard matches first.
 *
 * @example
 * await findDuplicateCustomers(ctx, { phone: '138 0013 8000' })
 * // [{ matchedOn: ['phone'], hard: true, visible: false, ownerName: '陈静', poolState: 'owned' }]
 */
export async function findDuplicateCustomers(
  ctx: Ctx,
  input: { phone?: string; email?: string; company?: string; uscc?: string },
): Promise<CustomerDuplicate[]> {
  const company = input.company?.trim() ?? '';
  const kind = company ? 'company' : 'person';
  const matches = await matchCustomers(ctx.db.query, ctx.user.workspaceId, {
    kind,
    name: company,
    phones: input.phone?.trim() ? [input.phone] : [],
    emails: input.email?.trim() ? [input.email] : [],
    uscc: input.uscc?.trim() || null,
    nameKey: company ? nameKeyOf('company', company) : '',
  });
  return matches.slice(0, MAX_CUSTOMERS).map((m) => {
    const visible = canSeeCustomer(ctx.user, {
      ownerId: m.ownerId,
      teamId: m.teamId,
      poolState: m.poolState,
    });
    const out: CustomerDuplicate = {
      matchedOn: m.matchedOn,
      hard: m.hard,
      visible,
      ownerName: m.ownerName,
      poolState: m.poolState,
    };
    if (visible) out.customer = { id: m.id, name: m.name, kind: m.kind, ownerId: m.ownerId };
    return out;
  });
}
