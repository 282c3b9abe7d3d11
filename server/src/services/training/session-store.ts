/** Writes of practice sessions and of the progress a finished run earns. */
import type { Row } from '../../db/client.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import { trainingPaths } from './paths.ts';
import type { PracticeState } from './practice.ts';
import { type AssignmentRow, assignmentOf } from './store.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

const json = (v: unknown) => JSON.stringify(v);

export async function insertSession(
  q: Q,
  ws: string,
  s: { id: string; assignmentId: string; userId: string; sopId: string; sopVersion: number },
  state: PracticeState,
): Promise<void> {
  await q(
    `insert into practice_sessions
       (workspace_id, id, assignment_id, user_id, sop_id, sop_version, status, record, events, log,
        sim_start, sim_now, seq, walked_path, version, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb, $10::text::jsonb,
             $11, $12, $13, $14, 1, clock_timestamp(), clock_timestamp())`,
    [
      ws,
      s.id,
      s.assignmentId,
      s.userId,
      s.sopId,
      s.sopVersion,
      state.status,
      json(state.record),
      json(state.events),
      json(state.log),
      state.simStart,
      state.simNow,
      state.seq,
      state.walkedPath,
    ],
  );
}

/** Saves a run's new state; the version guard makes a concurrent write match no row. */
export async function updateSession(
  q: Q,
  ws: string,
  id: string,
  version: number,
  state: PracticeState,
): Promise<boolean> {
  const rows = await q(
    `update practice_sessions set status = $4, record = $5::text::jsonb, events = $6::text::jsonb,
            log = $7::text::jsonb, sim_now = $8, seq = $9, walked_path = $10,
            version = version + 1, updated_at = clock_timestamp()
      where workspace_id = $1 and id = $2 and version = $3
      returning id`,
    [
      ws,
      id,
      version,
      state.status,
      json(state.record),
      json(state.events),
      json(state.log),
      state.simNow,
      state.seq,
      state.walkedPath,
    ],
  );
  return rows.length === 1;
}

/**
 * Credits a walked path to the assignment (once) and marks it complete when every path is
 * walked and the quiz passed. Returns the assignment as it is now.
 */
export async function creditPath(
  q: Q,
  ws: string,
  assignmentId: string,
  sop: LoadedSop,
  key: string | null,
  now: number,
): Promise<AssignmentRow | null> {
  const rows = await q(
    'select * from training_assignments where workspace_id = $1 and id = $2 for update',
    [ws, assignmentId],
  );
  const row = rows[0];
  if (!row) return null;
  const a = assignmentOf(row);
  const keys = new Set(trainingPaths(sop.doc).map((p) => p.key));
  if (!key || !keys.has(key) || a.walkedPaths.includes(key)) return a;
  const walked = [...a.walkedPaths, key];
  const complete = [...keys].every((k) => walked.includes(k)) && a.quizPassedAt !== null;
  await q(
    `update training_assignments set walked_paths = $3::text::jsonb,
            updated_at = to_timestamp($4::float8 / 1000),
            completed_at = case when $5::boolean and completed_at is null
                                then to_timestamp($4::float8 / 1000) else completed_at end
      where workspace_id = $1 and id = $2`,
    [ws, assignmentId, json(walked), now, complete],
  );
  return {
    ...a,
    walkedPaths: walked,
    completedAt: complete ? (a.completedAt ?? now) : a.completedAt,
  };
}
