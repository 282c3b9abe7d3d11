/**
 * /records/:recordId — one record, guided: the SOP as a step bar, what to do and say now,
 * the checklist, the stage's fields (those an action still needs highlighted), the actions
 * with what each still needs, and the history. Unsaved inputs survive a reload and a failed
 * submit; a conflict shows what changed and lets the rep redo.
 */
import { Button, Result } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { ActionSheet, forwardAction, useLosingConfirm } from './action-list.tsx';
import {
  type Fields,
  type FieldValue,
  fieldErrorsOf,
  type OpenAction,
  type RecordPage as RecordPageData,
  useRecordEvents,
  useRecordPage,
  type WorkspaceCalendar,
} from './api.ts';
import { phoneOf, recordTitle } from './format.ts';
import { RecordDock } from './record-dock.tsx';
import { ClosedBanner, RecordActionsCard, RecordHeader } from './record-header.tsx';
import {
  neededByOf,
  otherFieldsOf,
  recordTimeLeft,
  stageTimeLeft,
  visitedStages,
} from './record-logic.ts';
import { RecordConflict, RecordReassign } from './record-modals.tsx';
import { RecordMore } from './record-more.tsx';
import { StageBar } from './stage-bar.tsx';
import { StageCard } from './stage-card.tsx';
import { useLiveGates } from './use-live-gates.ts';
import { useNow } from './use-now.ts';
import { useRecordBasics } from './use-record-basics.ts';
import { useRecordDraft, useRecordSubmit } from './use-record-submit.ts';
import './rep.css';

export function RecordPage() {
  const { recordId = '' } = useParams();
  const { t } = useTranslation();
  const page = useRecordPage(recordId);
  if (page.isPending) return <PageSpinner />;
  if (page.isError) {
    const status = page.error instanceof ApiError ? page.error.status : 0;
    return (
      <Result
        status={status === 404 ? '404' : status === 403 ? '403' : 'error'}
        title={
          status === 404
            ? t('rep.record.notFound')
            : status === 403
              ? t('rep.record.forbidden')
              : errorMessage(page.error)
        }
        data-testid="record-error"
        extra={
          <Link to="/next">
            <Button type="primary">{t('rep.backToList')}</Button>
          </Link>
        }
      />
    );
  }
  return <RecordBody key={recordId} data={page.data} />;
}

function RecordBody({ data }: { data: RecordPageData }) {
  const me = useMe().data ?? null;
  const { now, calendar } = useNow();
  const { record, sop, stages } = data;
  const events = useRecordEvents(record.id);
  const [reassignOpen, setReassignOpen] = useState(false);
  const { defs, stageById, metaOf, userList, names, rawMachine } = useRecordBasics(data);
  const { draft, setDraft, cleanDraft, edit } = useRecordDraft(record, defs);

  const gates = useRecordActions(data, cleanDraft, me, now, calendar);
  const { live, actions, losing, confirmLosing, neededBy } = gates;

  const w = useRecordSubmit({ record, defs, cleanDraft, setDraft, stageTitle: names.stageTitle });
  const { cmd, busy, submit, intent } = w;

  const fieldErrors = cmd.state.status === 'error' ? fieldErrorsOf(cmd.state.error) : {};
  const onField = (key: string, v: FieldValue) => {
    edit(key, v);
    w.setServerFailures(null);
  };
  const onAct = (a: OpenAction) => confirmLosing(a, () => w.go(a));

  const title = recordTitle(record.fields, sop.fields);
  const visited = useMemo(() => visitedStages(events.data?.items), [events.data]);
  const readOnly = record.status !== 'open';
  const sheetAction = w.sheet ? (actions.find((a) => a.action === w.sheet) ?? null) : null;
  // what the stage cards and the action sheet edit, the same way
  const editing = {
    record,
    defs,
    draft,
    fieldErrors,
    users: userList,
    busy,
    onField,
    onTick: w.tick,
  };

  return (
    <div
      className="page rep-page rep-record"
      data-testid="record-page"
      data-record-id={record.id}
      data-version={record.version}
    >
      <RecordHeader
        record={record}
        sopName={sop.name}
        title={title}
        phone={phoneOf(record.fields, sop.fields)}
        ownerName={names.userName(record.ownerId)}
        left={record.status === 'open' ? recordTimeLeft(record, stageById, now, calendar) : null}
        canManage={me?.role === 'manager' || me?.role === 'admin'}
        onReassign={() => setReassignOpen(true)}
      />

      <StageBar record={record} stages={stages} visited={visited} machine={rawMachine} />

      <ClosedBanner record={record} />

      {record.currentStages.map((id) => (
        <StageCard
          key={id}
          stageId={id}
          title={names.stageTitle(id)}
          meta={metaOf(id)}
          neededBy={neededBy}
          timeLeft={
            readOnly ? null : stageTimeLeft(record, id, (s) => metaOf(s)?.sla?.clock, now, calendar)
          }
          readOnly={readOnly}
          {...editing}
        />
      ))}

      {record.status === 'open' && (
        <RecordActionsCard
          actions={actions}
          losing={losing}
          busy={busy}
          pendingAction={intent.current?.kind === 'action' && busy ? intent.current.action : null}
          live={live.live}
          onAct={onAct}
        />
      )}

      <RecordMore
        otherFields={otherFieldsOf(sop.fields, record.currentStages, metaOf)}
        allFields={sop.fields}
        readOnly={readOnly}
        events={events.data?.items}
        eventsLoading={events.isPending}
        names={names}
        now={now}
        {...editing}
      />

      <RecordDock
        cmd={cmd}
        dirty={Object.keys(draft).length}
        readOnly={readOnly}
        busy={busy}
        saving={busy && intent.current?.kind === 'save'}
        onDiscard={() => setDraft({})}
        onSave={() => void submit({ kind: 'save' }, record)}
      />

      <ActionSheet
        action={sheetAction}
        serverFailures={w.serverFailures}
        stageMeta={metaOf}
        refusal={cmd.state.status === 'error' ? errorMessage(cmd.state.error) : null}
        {...editing}
        onSubmit={() =>
          sheetAction &&
          confirmLosing(
            sheetAction,
            () => void submit({ kind: 'action', action: sheetAction.action }, record),
          )
        }
        onClose={w.closeSheet}
      />

      <RecordConflict
        conflict={cmd.state.status === 'conflict' ? cmd.state.current : null}
        mine={w.mine.current}
        intent={intent.current}
        fields={sop.fields}
        defs={defs}
        cleanDraft={cleanDraft}
        users={userList}
        names={names}
        onReset={cmd.reset}
        onRedo={(it, current) => void submit(it, current)}
      />

      <RecordReassign
        open={reassignOpen}
        record={record}
        title={title.title}
        users={userList}
        onClose={() => setReassignOpen(false)}
      />
    </div>
  );
}

/** The record's actions as the draft would leave them, checked live in the browser. */
function useRecordActions(
  data: RecordPageData,
  cleanDraft: Fields,
  me: { id: string; role: 'admin' | 'manager' | 'trainer' | 'rep' } | null,
  now: number,
  calendar: WorkspaceCalendar | undefined,
) {
  const live = useLiveGates({
    record: data.record,
    serverActions: data.openActions,
    draft: cleanDraft,
    actor: me ? { id: me.id, role: me.role } : null,
    now,
    calendar,
  });
  const actions = live.actions;
  const { losing, confirmLosing } = useLosingConfirm(actions);
  // fields the main way forward still needs, highlighted: the SOP lists that action first;
  // side exits (disqualify, reschedule…) explain their own needs in the action list
  const neededBy = neededByOf(forwardAction(actions, losing));
  return { live, actions, losing, confirmLosing, neededBy };
}
