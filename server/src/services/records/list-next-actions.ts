import { type LocalizedText, type OpenAction, openActions } from '@closeloop/engine';
import { storedRecordOf } from '../commands/record-store.ts';
import { type RecordView, recordView } from '../commands/record-view.ts';
import type { Verb } from '../core/context.ts';
import { actorCtx } from './get-record.ts';

export type NextAction = {
  record: RecordView;
  sop: { sopId: string; version: number; name: LocalizedText };
  /** The active leaf stages with their titles, instructions and scripts. */
  stages: Array<{ id: string; title: LocalizedText; meta: unknown }>;
  dueAt: number | null;
  overdue: boolean;
  /** The actions open now, each with whether its gate passes and what it still needs. */
  actions: OpenAction[];
};

export type ListNextActionsInput = {
  sopId?: string;
  stage?: string;
  overdue?: boolean;
  q?: string;
  limit?: number;
};

/** The caller's open records by urgency: overdue first, then by deadline, then oldest. */
export const listNextActions: Verb<ListNextActionsInput, { items: NextAction[] }> = async ({
  ctx,
  input,
}) => {
  if (ctx.user.role === 'trainer') return { items: [] };
  const params: unknown[] = [ctx.user.workspaceId, ctx.user.id];
  const where = ['r.workspace_id = $1', 'r.owner_id = $2', "r.status = 'open'"];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    where.push(sql(params.length));
  };
  if (input.sopId) add((n) => `r.sop_id = $${n}`, input.sopId);
  if (input.stage) add((n) => `$${n} = any(r.stages)`, input.stage);
  if (input.overdue) add((n) => `r.due_at <= to_timestamp($${n}::float8 / 1000)`, ctx.now);
  if (input.q) {
    add(
      (n) => `r.search like $${n}`,
      `%${input.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
    );
  }
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 200);
  params.push(limit);
  const rows = await ctx.db.query(
    `select r.state, r.version, r.event_count from records r where ${where.join(' and ')}
      order by r.due_at asc nulls last, r.updated_at asc limit $${params.length}`,
    params,
  );
  const actor = actorCtx(ctx);
  const items: NextAction[] = [];
  for (const row of rows) {
    const { state } = storedRecordOf(row);
    const sop = await ctx.sops.get(ctx.user.workspaceId, state.sopId, state.sopVersion);
    const view = recordView(state, ctx.now);
    items.push({
      record: view,
      sop: { sopId: sop.doc.id, version: sop.doc.version, name: sop.doc.name },
      stages: view.currentStages.map((id) => {
        const info = sop.compiled.stageById.get(id);
        return { id, title: info?.meta?.title ?? { 'zh-CN': id, en: id }, meta: info?.meta };
      }),
      dueAt: state.dueAt,
      overdue: view.overdue,
      actions: await openActions(sop.compiled, state, actor),
    });
  }
  return { items };
};
