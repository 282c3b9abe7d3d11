/**
 * One customer as its page shows it: owner, contacts, every record of every SOP with its
 * stage, one timeline across them and the customer's own history, and what is open now.
 */
import type { LocalizedText } from '@closeloop/engine';
import { maskPhone } from '@closeloop/engine/customers';
import { isRecordState, leafStageIds } from '../commands/record-store.ts';
import { assertWorksRecords, canSeeRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { DomainError, Forbidden, NotFound } from '../core/errors.ts';
import { toMs } from '../sops/sop-common.ts';
import {
  type ContactView,
  CUSTOMER_COLUMNS,
  type CustomerView,
  canSeeCustomer,
  customerViewOf,
  refOf,
} from './customer-view.ts';
import { loadPoolSettings } from './pool-settings.ts';

export type CustomerRecord = {
  id: string;
  sopId: string;
  sopName: LocalizedText;
  status: string;
  stages: LocalizedText[];
  ownerId: string | null;
  ownerName: string | null;
  dueAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** False for a record of another team: only its SOP and status are told. */
  visible: boolean;
};

export type TimelineEntry = {
  at: number;
  type: string;
  actorId: string | null;
  actorName: string | null;
  recordId: string | null;
  detail: Record<string, unknown>;
};

export type CustomerPageView = {
  customer: CustomerView;
  contacts: ContactView[];
  records: CustomerRecord[];
  timeline: TimelineEntry[];
};

/** A customer merged away: its survivor's id travels with the 409 so a client can follow it. */
export class CustomerMerged extends DomainError {
  constructor(id: string, survivorId: string) {
    super('customer-merged', `customer ${id} was merged into ${survivorId}`, {
      extra: { survivorId },
    });
  }
}

const TIMELINE_LIMIT = 200;

export const getCustomer: Verb<{ customerId: string }, CustomerPageView> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const ws = ctx.user.workspaceId;
  const rows = await ctx.db.query(
    `select ${CUSTOMER_COLUMNS} from customers c where c.workspace_id = $1 and c.id = $2`,
    [ws, input.customerId],
  );
  const row = rows[0];
  if (!row) throw new NotFound('customer', input.customerId);
  const recRows = await ctx.db.query(
    `select r.id, r.state, r.owner_id, r.team_id, r.status, r.due_at, r.created_at, r.updated_at,
            u.name as owner_name
       from records r left join users u on u.workspace_id = r.workspace_id and u.id = r.owner_id
      where r.workspace_id = $1 and r.customer_id = $2
      order by (r.status = 'open') desc, r.updated_at desc limit 200`,
    [ws, input.customerId],
  );
  const ref = (r: Record<string, unknown>) => ({
    ownerId: typeof r.owner_id === 'string' ? r.owner_id : null,
    teamId: typeof r.team_id === 'string' ? r.team_id : null,
  });
  const seesRecord = recRows.some((r) => canSeeRecord(ctx.user, ref(r)));
  if (!canSeeCustomer(ctx.user, refOf(row)) && !seesRecord) {
    throw new Forbidden('this customer belongs to another rep');
  }
  if (typeof row.merged_into === 'string')
    throw new CustomerMerged(input.customerId, row.merged_into);
  const { rules } = await loadPoolSettings(ctx.db.query, ws, null);
  const mask = rules.maskPhones && row.pool_state === 'pool';
  const customer = customerViewOf(row, rules.maskPhones);
  const records: CustomerRecord[] = [];
  for (const r of recRows) {
    const state = r.state;
    if (!isRecordState(state)) continue;
    const sop = await ctx.sops.get(ws, state.sopId, state.sopVersion).catch(() => null);
    const visible = canSeeRecord(ctx.user, ref(r));
    records.push({
      id: state.id,
      sopId: state.sopId,
      sopName: sop?.doc.name ?? { 'zh-CN': state.sopId, en: state.sopId },
      status: state.status,
      stages: leafStageIds(state.value).map(
        (id) => sop?.compiled.stageById.get(id)?.meta?.title ?? { 'zh-CN': id, en: id },
      ),
      ownerId: ref(r).ownerId,
      ownerName: typeof r.owner_name === 'string' ? r.owner_name : null,
      dueAt: toMs(r.due_at),
      createdAt: toMs(r.created_at) ?? 0,
      updatedAt: toMs(r.updated_at) ?? 0,
      visible,
    });
  }
  const contactRows = await ctx.db.query(
    `select id, name, title, phone, email from contacts where workspace_id = $1 and customer_id = $2
      order by created_at, id`,
    [ws, input.customerId],
  );
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const contacts = contactRows.map((c) => {
    const phone = str(c.phone);
    return {
      id: String(c.id),
      name: str(c.name),
      title: str(c.title),
      phone: phone && mask ? maskPhone(phone) : phone,
      email: mask ? null : str(c.email),
    };
  });
  const visibleIds = records.filter((r) => r.visible).map((r) => r.id);
  const timelineRows = await ctx.db.query(
    `select t.at, t.type, t.actor_id, t.record_id, t.detail, u.name as actor_name from (
        select e.at, e.type, e.actor_id, e.record_id, '{}'::jsonb as detail
          from record_events e where e.workspace_id = $1 and e.record_id = any($3::text[])
        union all
        select ce.at, ce.type, ce.actor_id, null, ce.detail
          from customer_events ce where ce.workspace_id = $1 and ce.customer_id = $2
      ) t left join users u on u.workspace_id = $1 and u.id = t.actor_id
      order by t.at desc limit ${TIMELINE_LIMIT}`,
    [ws, input.customerId, visibleIds],
  );
  const timeline = timelineRows.map((t) => ({
    at: toMs(t.at) ?? 0,
    type: String(t.type),
    actorId: str(t.actor_id),
    actorName: str(t.actor_name),
    recordId: str(t.record_id),
    detail: t.detail && typeof t.detail === 'object' ? (t.detail as Record<string, unknown>) : {},
  }));
  return { customer, contacts, records, timeline };
};
