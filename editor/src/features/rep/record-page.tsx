/**
 * /records/:recordId — one record, guided: the SOP as a step bar, what to do and say now,
 * the checklist, the stage's fields (those an action still needs highlighted), the actions
 * with what each still needs, and the history. Unsaved inputs survive a reload and a failed
 * submit; a conflict shows what changed and lets the rep redo.
 */
import { ArrowLeftOutlined, PhoneOutlined, SwapOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Collapse, Form, Result, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { z } from 'zod/mini';
import { ApiError, errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { cleanValue, FieldInput } from '../../shared/ui/field-input.tsx';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { ActionList, ActionSheet, forwardAction, useLosingConfirm } from './action-list.tsx';
import {
  type CommandResult,
  type FieldDef,
  type Fields,
  type FieldValue,
  fieldErrorsOf,
  type GateFailure,
  newIdempotencyKey,
  type OpenAction,
  type RecordPage as RecordPageData,
  type RecordView,
  repKeys,
  sendCommand,
  stageMetaOf,
  stateNodeOf,
  useRecordEvents,
  useRecordPage,
  useSopDocument,
  useUsers,
} from './api.ts';
import { ConflictModal, diffRecords } from './conflict-modal.tsx';
import {
  actionLabelsOf,
  displayValue,
  loc,
  phoneOf,
  recordTitle,
  slaClockOf,
  stagePath,
  timeLeft,
} from './format.ts';
import { HistoryTimeline } from './history-timeline.tsx';
import { OfflineBanner } from './offline-banner.tsx';
import { ReassignModal, type ReassignTarget } from './reassign-modal.tsx';
import { StageBar } from './stage-bar.tsx';
import { StageCard } from './stage-card.tsx';
import { FieldValueSchema } from './stage-meta.ts';
import { useCommand } from './use-command.ts';
import { useLiveGates } from './use-live-gates.ts';
import { useNow } from './use-now.ts';
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

type Intent =
  | { kind: 'action'; action: string }
  | { kind: 'save' }
  | { kind: 'tick'; stage: string; item: string; checked: boolean };

const DraftSchema = z.record(z.string(), FieldValueSchema);

const DRAFT_KEY = (id: string) => `closeloop.draft.${id}`;

function loadDraft(id: string): Fields {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY(id));
    const r = DraftSchema.safeParse(raw ? JSON.parse(raw) : null);
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

function RecordBody({ data }: { data: RecordPageData }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const me = useMe().data ?? null;
  const users = useUsers();
  const { now, calendar } = useNow();
  const { record, sop, stages } = data;
  const events = useRecordEvents(record.id);

  const [draft, setDraft] = useState<Fields>(() => loadDraft(record.id));
  const [sheet, setSheet] = useState<string | null>(() => params.get('action'));
  const [serverFailures, setServerFailures] = useState<GateFailure[] | null>(null);
  const [reassignOpen, setReassignOpen] = useState(false);
  const intent = useRef<Intent | null>(null);
  const mine = useRef<RecordView>(record);

  useEffect(() => {
    try {
      if (Object.keys(draft).length)
        sessionStorage.setItem(DRAFT_KEY(record.id), JSON.stringify(draft));
      else sessionStorage.removeItem(DRAFT_KEY(record.id));
    } catch {
      // storage full or blocked: the draft lives in memory only
    }
  }, [draft, record.id]);

  const defs = useMemo(() => new Map(sop.fields.map((f) => [f.key, f])), [sop.fields]);
  const stageById = useMemo(() => new Map(stages.map((s) => [s.id, s])), [stages]);
  const metaOf = useCallback((id: string) => stageMetaOf(stageById.get(id)?.meta), [stageById]);
  const userList = users.data ?? [];
  const userName = useCallback(
    (id: string | null | undefined) => {
      if (!id) return t('rep.nobody');
      if (id === 'system') return t('rep.history.system');
      // commands sent by an integration carry the token's id (see docs/access-control.md)
      if (id.startsWith('token:')) return t('rep.history.apiToken');
      return userList.find((u) => u.id === id)?.name ?? id.slice(0, 8);
    },
    [userList, t],
  );
  const stageTitle = useCallback((id: string) => stagePath(stages, id), [stages]);
  const cleanDraft = useMemo(() => {
    const out: Fields = {};
    for (const [k, v] of Object.entries(draft)) out[k] = cleanValue(defs.get(k), v);
    return out;
  }, [draft, defs]);

  const live = useLiveGates({
    record,
    serverActions: data.openActions,
    draft: cleanDraft,
    actor: me ? { id: me.id, role: me.role } : null,
    now,
    calendar,
  });
  const actions = live.actions;
  const { losing, confirmLosing } = useLosingConfirm(actions);
  const rawDoc = useSopDocument(record.sopId, record.sopVersion);
  const rawMachine =
    rawDoc.data && typeof rawDoc.data === 'object' && 'machine' in rawDoc.data
      ? stateNodeOf(rawDoc.data.machine)
      : null;
  // recomputed each render: cheap, and follows a language switch
  const labels = actionLabelsOf(rawMachine?.states);
  const actionLabel = (a: string) => labels.get(a) ?? a;

  const onSuccess = useCallback(
    (r: CommandResult) => {
      const before = mine.current;
      // an older refetch in flight must not overwrite the answer
      void qc.cancelQueries({ queryKey: repKeys.record(record.id) });
      qc.setQueryData<RecordPageData>(repKeys.record(record.id), (old) =>
        old ? { ...old, record: r.record, openActions: r.openActions } : old,
      );
      void qc.invalidateQueries({ queryKey: repKeys.events(record.id) });
      void qc.invalidateQueries({ queryKey: repKeys.nextAll });
      void qc.invalidateQueries({ queryKey: repKeys.teamAll });
      const it = intent.current;
      if (it?.kind === 'action' || it?.kind === 'save') {
        setDraft((d) => {
          const next: Fields = {};
          // keep what was typed after the request went out
          for (const [k, v] of Object.entries(d)) {
            if (
              JSON.stringify(cleanValue(defs.get(k), v)) !==
              JSON.stringify(r.record.fields[k] ?? null)
            )
              next[k] = v;
          }
          return next;
        });
      }
      if (it?.kind === 'action') {
        setSheet(null);
        setServerFailures(null);
        if (params.has('action')) setParams({}, { replace: true });
        if (r.record.status !== 'open') {
          void message.success(
            t('rep.record.closedAs', { status: t(`rep.status.${r.record.status}`) }),
          );
        } else if (
          JSON.stringify(before.currentStages) !== JSON.stringify(r.record.currentStages)
        ) {
          void message.success(
            t('rep.record.movedTo', { stage: r.record.currentStages.map(stageTitle).join('、') }),
          );
          window.scrollTo({ top: 0, behavior: 'smooth' });
        } else {
          void message.success(t('rep.record.done'));
        }
      } else if (it?.kind === 'save') {
        void message.success(t('rep.record.saved'));
      }
    },
    [qc, record.id, defs, params, setParams, message, t, stageTitle],
  );
  const cmd = useCommand(onSuccess);
  const busy = cmd.state.status === 'sending';

  const submit = useCallback(
    (it: Intent, base: RecordView) => {
      intent.current = it;
      mine.current = base;
      const path = `/api/records/${encodeURIComponent(base.id)}`;
      const fields = Object.keys(cleanDraft).length ? { fields: cleanDraft } : {};
      if (it.kind === 'action') {
        return cmd.run('POST', `${path}/actions`, {
          action: it.action,
          ...fields,
          version: base.version,
        });
      }
      if (it.kind === 'save') {
        return cmd.run('PATCH', `${path}/fields`, { ...fields, version: base.version });
      }
      const done = new Set(base.checklist[it.stage] ?? []);
      if (it.checked) done.add(it.item);
      else done.delete(it.item);
      return cmd.run('PATCH', `${path}/fields`, {
        checklist: { [it.stage]: [...done].sort() },
        version: base.version,
      });
    },
    [cmd, cleanDraft],
  );

  // a failed gate on the server opens (or refreshes) the sheet with its verdict
  useEffect(() => {
    if (cmd.state.status === 'blocked' && intent.current?.kind === 'action') {
      setServerFailures(cmd.state.failures);
      setSheet(intent.current.action);
    }
  }, [cmd.state]);

  const fieldErrors = cmd.state.status === 'error' ? fieldErrorsOf(cmd.state.error) : {};
  const onField = (key: string, v: FieldValue) => {
    setDraft((d) => {
      const next = { ...d };
      const same =
        JSON.stringify(cleanValue(defs.get(key), v)) === JSON.stringify(record.fields[key] ?? null);
      if (same) delete next[key];
      else next[key] = v;
      return next;
    });
    setServerFailures(null);
  };
  const onTick = (stage: string, item: string, checked: boolean) => {
    void submit({ kind: 'tick', stage, item, checked }, record);
  };
  const go = (a: OpenAction) => {
    if (a.passed && a.allowed) void submit({ kind: 'action', action: a.action }, record);
    else {
      setServerFailures(null);
      setSheet(a.action);
    }
  };
  const onAct = (a: OpenAction) => confirmLosing(a, () => go(a));

  // fields the main way forward still needs, highlighted: the SOP lists that action first;
  // side exits (disqualify, reschedule…) explain their own needs in the action list
  const neededBy = (() => {
    const m = new Map<string, string[]>();
    const primary = forwardAction(actions, losing);
    for (const a of primary && !primary.passed ? [primary] : []) {
      for (const f of a.failures)
        for (const k of f.fields)
          m.set(k, [...new Set([...(m.get(k) ?? []), loc(a.label, a.action)])]);
    }
    return m;
  })();

  const title = recordTitle(record.fields, sop.fields);
  const phone = phoneOf(record.fields, sop.fields);
  const clock = slaClockOf(record, (id) => stageById.get(id)?.meta);
  const left = record.status === 'open' ? timeLeft(record.dueAt, now, clock, calendar) : null;
  const visited = useMemo(() => {
    const s = new Set<string>();
    for (const e of events.data?.items ?? []) {
      if (e.type === 'stage.entered' && typeof e.data.stage === 'string') s.add(e.data.stage);
    }
    return s;
  }, [events.data]);
  const canManage = me?.role === 'manager' || me?.role === 'admin';
  const readOnly = record.status !== 'open';
  const currentLeaves = record.currentStages;
  const shownKeys = new Set(currentLeaves.flatMap((id) => metaOf(id)?.fields ?? []));
  const otherFields = sop.fields.filter((f) => !shownKeys.has(f.key));
  const sheetAction = sheet ? (actions.find((a) => a.action === sheet) ?? null) : null;
  const dirty = Object.keys(draft).length;
  const conflict = cmd.state.status === 'conflict' ? cmd.state.current : null;
  const conflictIntent = intent.current;
  const canRedo = !!conflict && conflict.status === 'open';

  const timeFor = (stageId: string) => {
    const due = record.timers
      .filter(
        (x) => x.kind === 'deadline' && (x.stage === stageId || stageId.startsWith(`${x.stage}.`)),
      )
      .map((x) => x.dueAt)
      .sort((a, b) => a - b)[0];
    if (due === undefined) return null;
    const owner =
      record.timers.find((x) => x.kind === 'deadline' && x.dueAt === due)?.stage ?? stageId;
    return timeLeft(due, now, metaOf(owner)?.sla?.clock ?? 'wall', calendar);
  };

  const reassignOne = async (r: ReassignTarget, toUserId: string, reason: string) => {
    try {
      const out = await sendCommand(
        'POST',
        `/api/records/${encodeURIComponent(r.id)}/reassign`,
        { toUserId, version: r.version, ...(reason ? { reason } : {}) },
        newIdempotencyKey(),
      );
      void out;
      return true;
    } catch (e) {
      void message.error(errorMessage(e));
      return false;
    }
  };

  return (
    <div
      className="page rep-page rep-record"
      data-testid="record-page"
      data-record-id={record.id}
      data-version={record.version}
    >
      <div className="rep-record-head">
        <Button
          type="text"
          icon={<ArrowLeftOutlined />}
          aria-label={t('rep.backToList')}
          onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/next'))}
          data-testid="record-back"
        />
        <div className="rep-record-title">
          <Typography.Title level={4} data-testid="record-title">
            {title.title}
          </Typography.Title>
          {title.subtitle && <Typography.Text type="secondary">{title.subtitle}</Typography.Text>}
        </div>
        {phone && (
          <a href={`tel:${phone}`} aria-label={t('rep.call')} data-testid="record-call">
            <Button shape="circle" icon={<PhoneOutlined />} />
          </a>
        )}
      </div>
      <div className="rep-record-tags">
        <Tag>{loc(sop.name)}</Tag>
        <Tag
          color={
            record.status === 'open' ? 'processing' : record.status === 'lost' ? 'error' : 'success'
          }
          data-testid="record-status"
        >
          {t(`rep.status.${record.status}`)}
        </Tag>
        <Tag data-testid="record-owner">{t('rep.ownerIs', { name: userName(record.ownerId) })}</Tag>
        {left && left.state !== 'none' && (
          <Tag
            color={left.state === 'overdue' ? 'red' : left.state === 'soon' ? 'orange' : 'blue'}
            data-testid="record-time-left"
          >
            {left.text}
          </Tag>
        )}
        {canManage && record.status === 'open' && (
          <Button
            size="small"
            icon={<SwapOutlined />}
            onClick={() => setReassignOpen(true)}
            data-testid="record-reassign"
          >
            {t('rep.reassign.button')}
          </Button>
        )}
      </div>

      <StageBar record={record} stages={stages} visited={visited} machine={rawMachine} />

      {record.status !== 'open' && (
        <Alert
          type={record.status === 'lost' ? 'error' : 'success'}
          showIcon
          className="rep-banner"
          data-testid="record-closed"
          title={t('rep.record.closedBanner', { status: t(`rep.status.${record.status}`) })}
          description={record.lostReason ?? undefined}
        />
      )}

      {currentLeaves.map((id) => (
        <StageCard
          key={id}
          stageId={id}
          title={stageTitle(id)}
          meta={metaOf(id)}
          record={record}
          defs={defs}
          draft={draft}
          neededBy={neededBy}
          fieldErrors={fieldErrors}
          timeLeft={record.status === 'open' ? timeFor(id) : null}
          users={userList}
          busy={busy}
          readOnly={readOnly}
          onField={onField}
          onTick={onTick}
        />
      ))}

      {record.status === 'open' && (
        <Card size="small" className="rep-card" title={t('rep.actions.title')}>
          {actions.length ? (
            <ActionList
              actions={actions}
              losing={losing}
              busy={busy}
              pendingAction={
                intent.current?.kind === 'action' && busy ? intent.current.action : null
              }
              readOnly={readOnly}
              onAct={onAct}
            />
          ) : (
            <Typography.Text type="secondary">{t('rep.actions.none')}</Typography.Text>
          )}
          {live.live && (
            <Typography.Paragraph type="secondary" className="rep-live-note">
              {t('rep.actions.liveNote')}
            </Typography.Paragraph>
          )}
        </Card>
      )}

      <Collapse
        className="rep-card"
        size="small"
        items={[
          {
            key: 'fields',
            label: t('rep.record.allFields', { count: otherFields.length }),
            children: (
              <Form layout="vertical" requiredMark={false} data-testid="all-fields">
                {otherFields.map((def: FieldDef) => (
                  <Form.Item key={def.key} label={loc(def.label)}>
                    <FieldInput
                      def={def}
                      value={def.key in draft ? draft[def.key] : record.fields[def.key]}
                      users={userList}
                      disabled={readOnly}
                      onChange={(v) => onField(def.key, v)}
                    />
                  </Form.Item>
                ))}
              </Form>
            ),
          },
          {
            key: 'history',
            label: t('rep.history.title'),
            children: (
              <HistoryTimeline
                events={events.data?.items}
                loading={events.isPending}
                fields={sop.fields}
                stageTitle={stageTitle}
                userName={userName}
                actionLabel={actionLabel}
                now={now}
              />
            ),
          },
        ]}
        defaultActiveKey={['history']}
      />

      {/* the dock stays in sight while the rep scrolls: unsaved changes, a failed submit */}
      <div className="rep-dock">
        <OfflineBanner state={cmd.state} onRetry={() => void cmd.retry()} onDismiss={cmd.reset} />
        {cmd.state.status === 'error' && (
          <Alert
            type="error"
            showIcon
            closable={{ onClose: cmd.reset }}
            className="rep-banner"
            title={errorMessage(cmd.state.error)}
            data-testid="command-error"
          />
        )}
        {dirty > 0 && !readOnly && (
          <div className="rep-savebar" data-testid="save-bar">
            <span>{t('rep.record.unsaved', { count: dirty })}</span>
            <Space>
              <Button
                size="small"
                onClick={() => setDraft({})}
                disabled={busy}
                data-testid="discard-draft"
              >
                {t('rep.record.discard')}
              </Button>
              <Button
                size="small"
                type="primary"
                loading={busy && intent.current?.kind === 'save'}
                disabled={busy}
                onClick={() => void submit({ kind: 'save' }, record)}
                data-testid="save-draft"
              >
                {t('rep.record.save')}
              </Button>
            </Space>
          </div>
        )}
      </div>

      <ActionSheet
        action={sheetAction}
        serverFailures={serverFailures}
        record={record}
        defs={defs}
        stageMeta={metaOf}
        draft={draft}
        fieldErrors={fieldErrors}
        refusal={cmd.state.status === 'error' ? errorMessage(cmd.state.error) : null}
        users={userList}
        busy={busy}
        onField={onField}
        onTick={onTick}
        onSubmit={() =>
          sheetAction &&
          confirmLosing(
            sheetAction,
            () => void submit({ kind: 'action', action: sheetAction.action }, record),
          )
        }
        onClose={() => {
          setSheet(null);
          setServerFailures(null);
          if (params.has('action')) setParams({}, { replace: true });
        }}
      />

      <ConflictModal
        open={!!conflict}
        diff={
          conflict
            ? diffRecords(
                mine.current,
                conflict,
                sop.fields,
                (d, k) => (d ? loc(d.label) : k),
                (id) => userList.find((u) => u.id === id)?.name,
              )
            : null
        }
        stageTitle={stageTitle}
        userName={userName}
        canRedo={canRedo}
        yours={[
          ...(conflictIntent?.kind === 'action'
            ? [t('rep.conflict.yourAction', { action: actionLabel(conflictIntent.action) })]
            : []),
          ...Object.entries(cleanDraft).map(
            ([k, v]) =>
              `${loc(defs.get(k)?.label, k)}: ${displayValue(defs.get(k), v, (id) => userList.find((u) => u.id === id)?.name)}`,
          ),
        ]}
        redoLabel={
          conflictIntent?.kind === 'action'
            ? t('rep.conflict.redoAction', { action: actionLabel(conflictIntent.action) })
            : t('rep.conflict.redo')
        }
        onClose={() => {
          cmd.reset();
          void qc.invalidateQueries({ queryKey: repKeys.record(record.id) });
          void qc.invalidateQueries({ queryKey: repKeys.events(record.id) });
        }}
        onRedo={() => {
          const current = conflict;
          const it = conflictIntent;
          cmd.reset();
          if (!current || !it) return;
          void qc.invalidateQueries({ queryKey: repKeys.record(record.id) });
          void qc.invalidateQueries({ queryKey: repKeys.events(record.id) });
          // the rep's change again, on top of the record as it is now
          void submit(it, current);
        }}
      />

      <ReassignModal
        open={reassignOpen}
        records={[
          {
            id: record.id,
            version: record.version,
            ownerId: record.ownerId,
            teamId: record.teamId,
          },
        ]}
        users={userList}
        title={t('rep.reassign.titleOne', { name: title.title })}
        reassign={reassignOne}
        onCancel={() => setReassignOpen(false)}
        onDone={() => {
          setReassignOpen(false);
          void message.success(t('rep.reassign.done', { count: 1 }));
          void qc.invalidateQueries({ queryKey: repKeys.record(record.id) });
          void qc.invalidateQueries({ queryKey: repKeys.events(record.id) });
        }}
      />
    </div>
  );
}
