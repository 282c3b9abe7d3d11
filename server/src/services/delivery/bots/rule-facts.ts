/**
 * What a note says about a record, loaded for a batch of outbox rows in the fan-out's
 * transaction: the record's name (engine `recordLabel`), its stage's title, the owner's
 * name and mobile, the team managers' mobiles, the deadline and a handover's reason. A 公海
 * warning's note says the same of a customer (its name, owner, team and reclaim time).
 */
import { recordLabel, type SopDocument } from '@closeloop/engine';
import type { OutboxRow, Query } from '../transport.ts';
import type { BotLocale } from './message.ts';

export type RecordFacts = {
  /** The record, or the customer for a customer event. */
  recordId: string;
  sopId: string;
  teamId: string | null;
  ownerId: string | null;
  title: string;
  stageTitle: Record<BotLocale, string> | null;
  ownerName: string | null;
  ownerMobile: string | null;
  managerIds: string[];
  managerMobiles: string[];
  dueAt: number | null;
  handoverReason: string | null;
};

type Row = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
/** Mobiles are stored in E.164; the chat robots @ a mainland number as its 11 digits. */
const chatMobile = (v: unknown) => str(v)?.replace(/^\+86(?=1\d{10}$)/, '') ?? null;

/** Facts per outbox row id (rows whose record is gone are left out). */
export async function loadFacts(q: Query, rows: OutboxRow[]): Promise<Map<string, RecordFacts>> {
  const out = new Map<string, RecordFacts>();
  const withRecord = rows.filter((r) => r.recordId);
  if (!withRecord.length) return out;
  const recs = await q(
    `select r.workspace_id, r.id, r.sop_id, r.sop_version, r.team_id, r.owner_id, r.fields,
            r.stages, r.due_at, v.doc, u.name as owner_name, u.mobile as owner_mobile
       from unnest($1::text[], $2::text[]) as x(w, id)
       join records r on r.workspace_id = x.w and r.id = x.id
       left join sop_versions v on v.workspace_id = r.workspace_id and v.sop_id = r.sop_id
                               and v.version = r.sop_version
       left join users u on u.workspace_id = r.workspace_id and u.id = r.owner_id`,
    [withRecord.map((r) => r.workspaceId), withRecord.map((r) => r.recordId)],
  );
  const byKey = new Map(recs.map((r) => [`${r.workspace_id}/${r.id}`, r]));
  const managers = await loadManagers(q, withRecord);
  const handovers = await q(
    `select e.workspace_id, e.record_id, e.record_version, e.data->>'reason' as reason
       from unnest($1::text[], $2::text[], $3::int[]) as x(w, id, v)
       join record_events e on e.workspace_id = x.w and e.record_id = x.id
                           and e.record_version = x.v and e.type = 'record.handed-over'`,
    [
      withRecord.map((r) => r.workspaceId),
      withRecord.map((r) => r.recordId),
      withRecord.map((r) => Number(r.payload.version ?? -1)),
    ],
  );
  for (const row of withRecord) {
    const r = byKey.get(`${row.workspaceId}/${row.recordId}`);
    if (!r) continue;
    const doc = r.doc as SopDocument | null;
    const label = doc ? recordLabel((r.fields ?? {}) as never, doc.fields ?? []) : null;
    const team = str(r.team_id);
    const mgrs = managersOf(managers, row.workspaceId, team);
    const ho = handovers.find(
      (h) => h.workspace_id === row.workspaceId && h.record_id === row.recordId,
    );
    const stages = Array.isArray(r.stages) ? (r.stages as string[]) : [];
    out.set(row.id, {
      recordId: String(r.id),
      sopId: String(r.sop_id),
      teamId: team,
      ownerId: str(r.owner_id),
      title: label?.title || String(r.id).slice(0, 8),
      stageTitle: doc ? stageTitleOf(doc, stages.at(-1) ?? null) : null,
      ownerName: str(r.owner_name),
      ownerMobile: chatMobile(r.owner_mobile),
      ...mgrs,
      dueAt: r.due_at ? new Date(r.due_at as string).getTime() : null,
      handoverReason: str(ho?.reason),
    });
  }
  return out;
}

/**
 * Facts per outbox row id of customer events. The owner and team are the ones the event
 * names (its payload): by the time it is fanned out the customer may be back in the pool.
 */
export async function loadCustomerFacts(
  q: Query,
  rows: OutboxRow[],
): Promise<Map<string, RecordFacts>> {
  const out = new Map<string, RecordFacts>();
  if (!rows.length) return out;
  const owners = await q(
    `select x.outbox_id, u.id, u.name, u.mobile
       from unnest($1::text[], $2::text[], $3::text[]) as x(w, owner_id, outbox_id)
       join users u on u.workspace_id = x.w and u.id = x.owner_id`,
    [
      rows.map((r) => r.workspaceId),
      rows.map((r) => String(r.payload.ownerId ?? '')),
      rows.map((r) => r.id),
    ],
  );
  const managers = await loadManagers(q, rows);
  for (const row of rows) {
    const p = row.payload;
    const customerId = str(p.customerId);
    if (!customerId) continue;
    const owner = owners.find((o) => o.outbox_id === row.id);
    const team = str(p.teamId);
    const reclaimAt = Date.parse(String(p.reclaimAt ?? ''));
    out.set(row.id, {
      recordId: customerId,
      sopId: '',
      teamId: team,
      ownerId: str(owner?.id),
      title: str(p.name) ?? customerId.slice(0, 8),
      stageTitle: null,
      ownerName: str(owner?.name),
      ownerMobile: chatMobile(owner?.mobile),
      ...managersOf(managers, row.workspaceId, team),
      dueAt: Number.isFinite(reclaimAt) ? reclaimAt : null,
      handoverReason: null,
    });
  }
  return out;
}

function loadManagers(q: Query, rows: OutboxRow[]): Promise<Row[]> {
  return q(
    `select m.workspace_id, m.team_id, u.id, u.mobile
       from memberships m join users u on u.workspace_id = m.workspace_id and u.id = m.user_id
      where m.workspace_id = any($1::text[]) and m.role = 'manager' and u.active`,
    [[...new Set(rows.map((r) => r.workspaceId))]],
  );
}

/** The active managers of a team: their ids and, as the robots @ them, their mobiles. */
function managersOf(managers: Row[], ws: string, team: string | null) {
  const mgrs = managers.filter((m) => m.workspace_id === ws && m.team_id === team);
  return {
    managerIds: mgrs.map((m) => String(m.id)),
    managerMobiles: mgrs.map((m) => chatMobile(m.mobile)).filter((m): m is string => !!m),
  };
}

/** The title of a stage (dot path) in the document, in both languages. */
function stageTitleOf(doc: SopDocument, stage: string | null): Record<BotLocale, string> | null {
  if (!stage) return null;
  let states = (doc.machine as { states?: Record<string, Row> }).states;
  let node: Row | undefined;
  for (const key of stage.split('.')) {
    node = states?.[key];
    states = node?.states as Record<string, Row> | undefined;
  }
  const title = (node?.meta as { stage?: { title?: Record<BotLocale, string> } } | undefined)?.stage
    ?.title;
  return title ?? { 'zh-CN': stage, en: stage };
}
