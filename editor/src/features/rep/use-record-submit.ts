/**
 * The record page's writes: an action, a save of the draft or a checklist tick, sent through
 * `useCommand`; on success the cache takes the answer, the draft keeps only what was typed
 * since, and the rep hears where the record went. A gate the server refused opens the sheet.
 */
import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import {
  type Dispatch,
  type SetStateAction,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  type CommandResult,
  type FieldDef,
  type Fields,
  type FieldValue,
  type GateFailure,
  type OpenAction,
  type RecordPage as RecordPageData,
  type RecordView,
  repKeys,
} from './api.ts';
import { cleanDraftOf, draftAfterSave, draftWith, loadDraft, saveDraft } from './record-logic.ts';
import { useCommand } from './use-command.ts';

export type Intent =
  | { kind: 'action'; action: string }
  | { kind: 'save' }
  | { kind: 'tick'; stage: string; item: string; checked: boolean };

type Options = {
  record: RecordView;
  defs: Map<string, FieldDef>;
  cleanDraft: Fields;
  setDraft: Dispatch<SetStateAction<Fields>>;
  stageTitle: (id: string) => string;
};

export function useRecordSubmit({ record, defs, cleanDraft, setDraft, stageTitle }: Options) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [sheet, setSheet] = useState<string | null>(() => params.get('action'));
  const [serverFailures, setServerFailures] = useState<GateFailure[] | null>(null);
  const intent = useRef<Intent | null>(null);
  const mine = useRef<RecordView>(record);
  const recordId = record.id;

  const closeSheet = useCallback(() => {
    setSheet(null);
    setServerFailures(null);
    if (params.has('action')) setParams({}, { replace: true });
  }, [params, setParams]);

  const onSuccess = useCallback(
    (r: CommandResult) => {
      const before = mine.current;
      // an older refetch in flight must not overwrite the answer
      void qc.cancelQueries({ queryKey: repKeys.record(recordId) });
      qc.setQueryData<RecordPageData>(repKeys.record(recordId), (old) =>
        old ? { ...old, record: r.record, openActions: r.openActions } : old,
      );
      void qc.invalidateQueries({ queryKey: repKeys.events(recordId) });
      void qc.invalidateQueries({ queryKey: repKeys.nextAll });
      void qc.invalidateQueries({ queryKey: repKeys.teamAll });
      const it = intent.current;
      if (it?.kind === 'action' || it?.kind === 'save') {
        setDraft((d) => draftAfterSave(d, defs, r.record.fields));
      }
      if (it?.kind === 'action') {
        closeSheet();
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
    [qc, recordId, defs, setDraft, closeSheet, message, t, stageTitle],
  );
  const cmd = useCommand(onSuccess);

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

  /** An action the rep chose: sent when it may pass, else the sheet says what it needs. */
  const go = (a: OpenAction) => {
    if (a.passed && a.allowed) void submit({ kind: 'action', action: a.action }, record);
    else {
      setServerFailures(null);
      setSheet(a.action);
    }
  };
  const tick = (stage: string, item: string, checked: boolean) => {
    void submit({ kind: 'tick', stage, item, checked }, record);
  };

  return {
    cmd,
    go,
    tick,
    busy: cmd.state.status === 'sending',
    submit,
    intent,
    mine,
    sheet,
    setSheet,
    serverFailures,
    setServerFailures,
    closeSheet,
  };
}

/** The rep's unsaved inputs on a record: kept across a reload, a field typed back to its value is no change. */
export function useRecordDraft(record: RecordView, defs: Map<string, FieldDef>) {
  const [draft, setDraft] = useState<Fields>(() => loadDraft(record.id));
  useEffect(() => saveDraft(record.id, draft), [draft, record.id]);
  const cleanDraft = useMemo(() => cleanDraftOf(draft, defs), [draft, defs]);
  const edit = (key: string, v: FieldValue) =>
    setDraft((d) => draftWith(d, defs, record.fields, key, v));
  return { draft, setDraft, cleanDraft, edit };
}
