/** The record page's dialogs: a conflict with what changed meanwhile, and reassigning the record. */
import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DirectoryUser } from '../../shared/api/directory.ts';
import { type FieldDef, type Fields, type RecordView, repKeys } from './api.ts';
import { ConflictModal, diffRecords } from './conflict-modal.tsx';
import { displayValue, loc } from './format.ts';
import { ReassignModal, useReassignOne } from './reassign-modal.tsx';
import type { Names } from './use-record-basics.ts';
import type { Intent } from './use-record-submit.ts';

function useRefreshRecord(recordId: string) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: repKeys.record(recordId) });
    void qc.invalidateQueries({ queryKey: repKeys.events(recordId) });
  };
}

type ConflictProps = {
  conflict: RecordView | null;
  mine: RecordView;
  intent: Intent | null;
  fields: FieldDef[];
  defs: Map<string, FieldDef>;
  cleanDraft: Fields;
  users: Array<{ id: string; name: string }>;
  names: Names;
  onReset: () => void;
  onRedo: (it: Intent, current: RecordView) => void;
};

export function RecordConflict(p: ConflictProps) {
  const { t } = useTranslation();
  const refresh = useRefreshRecord(p.mine.id);
  const { conflict, intent } = p;
  const nameOf = (id: string) => p.users.find((u) => u.id === id)?.name;
  return (
    <ConflictModal
      open={!!conflict}
      diff={
        conflict
          ? diffRecords(p.mine, conflict, p.fields, (d, k) => (d ? loc(d.label) : k), nameOf)
          : null
      }
      stageTitle={p.names.stageTitle}
      userName={p.names.userName}
      canRedo={!!conflict && conflict.status === 'open'}
      yours={[
        ...(intent?.kind === 'action'
          ? [t('rep.conflict.yourAction', { action: p.names.actionLabel(intent.action) })]
          : []),
        ...Object.entries(p.cleanDraft).map(
          ([k, v]) => `${loc(p.defs.get(k)?.label, k)}: ${displayValue(p.defs.get(k), v, nameOf)}`,
        ),
      ]}
      redoLabel={
        intent?.kind === 'action'
          ? t('rep.conflict.redoAction', { action: p.names.actionLabel(intent.action) })
          : t('rep.conflict.redo')
      }
      onClose={() => {
        p.onReset();
        refresh();
      }}
      onRedo={() => {
        p.onReset();
        if (!conflict || !intent) return;
        refresh();
        // the rep's change again, on top of the record as it is now
        p.onRedo(intent, conflict);
      }}
    />
  );
}

type ReassignProps = {
  open: boolean;
  record: RecordView;
  title: string;
  users: DirectoryUser[];
  onClose: () => void;
};

export function RecordReassign({ open, record, title, users, onClose }: ReassignProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const refresh = useRefreshRecord(record.id);
  const reassignOne = useReassignOne();
  return (
    <ReassignModal
      open={open}
      records={[
        { id: record.id, version: record.version, ownerId: record.ownerId, teamId: record.teamId },
      ]}
      users={users}
      title={t('rep.reassign.titleOne', { name: title })}
      reassign={reassignOne}
      onCancel={onClose}
      onDone={() => {
        onClose();
        void message.success(t('rep.reassign.done', { count: 1 }));
        refresh();
      }}
    />
  );
}
