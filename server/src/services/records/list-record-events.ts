import type { EngineEvent } from '@closeloop/engine';
import type { Db } from '../../db/client.ts';
import { loadRecord } from '../commands/record-store.ts';
import { assertCanSeeRecord, assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';

export type StoredEvent = EngineEvent & { seq: number };

/** A record's history in order, exactly as the engine produced it (replay folds it). */
export async function readEvents(
  db: Db,
  workspaceId: string,
  recordId: string,
): Promise<StoredEvent[]> {
  const rows = await db.query(
    `select seq, id, type, (extract(epoch from at) * 1000)::float8 as at_ms, actor_id, data,
            record_version
       from record_events where workspace_id = $1 and record_id = $2 order by seq`,
    [workspaceId, recordId],
  );
  // the table holds only what the engine's commands appended: each row is one of its events
  return rows.map(
    (r) =>
      ({
        seq: Number(r.seq),
        id: String(r.id),
        type: String(r.type),
        at: Math.round(Number(r.at_ms)),
        actorId: String(r.actor_id),
        version: Number(r.record_version),
        data: r.data && typeof r.data === 'object' && !Array.isArray(r.data) ? { ...r.data } : {},
      }) as StoredEvent,
  );
}

export const listRecordEvents: Verb<{ recordId: string }, { items: StoredEvent[] }> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const stored = await loadRecord(ctx.db, ctx.user.workspaceId, input.recordId);
  if (!stored) throw new NotFound('record', input.recordId);
  assertCanSeeRecord(ctx.user, stored.state);
  return { items: await readEvents(ctx.db, ctx.user.workspaceId, input.recordId) };
};
