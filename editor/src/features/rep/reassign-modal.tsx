/**
 * Reassign (managers, admins): pick an active member of the record's team, optionally say
 * why. Used for one record from its page, and for a handover of several records from the
 * team list (one reassign per record: there is no bulk handover endpoint yet).
 */
import { Alert, App, Form, Input, Modal, Progress, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import { type DirectoryUser, newIdempotencyKey, sendCommand } from './api.ts';

export type ReassignTarget = {
  id: string;
  version: number;
  ownerId: string | null;
  teamId: string | null;
};

type Props = {
  open: boolean;
  records: ReassignTarget[];
  users: DirectoryUser[];
  title: string;
  /** Reassigns one record; resolves to whether it went through. */
  reassign: (r: ReassignTarget, toUserId: string, reason: string) => Promise<boolean>;
  onDone: (moved: number) => void;
  onCancel: () => void;
};

/** People who can take the records: active reps and managers sharing a team with them. */
export function candidatesFor(users: DirectoryUser[], records: ReassignTarget[]): DirectoryUser[] {
  const teams = new Set(records.map((r) => r.teamId).filter((t): t is string => !!t));
  const owners = new Set(records.map((r) => r.ownerId));
  return users.filter(
    (u) =>
      u.active &&
      (u.role === 'rep' || u.role === 'manager') &&
      !(owners.size === 1 && owners.has(u.id)) &&
      (teams.size === 0 || u.teamIds.some((t) => teams.has(t))),
  );
}

export function ReassignModal({ open, records, users, title, reassign, onDone, onCancel }: Props) {
  const { t } = useTranslation();
  const [to, setTo] = useState<string>();
  const [reason, setReason] = useState('');
  const [progress, setProgress] = useState<{ done: number; failed: number } | null>(null);
  const busy = progress !== null && progress.done + progress.failed < records.length;
  const candidates = candidatesFor(users, records);

  const submit = async () => {
    if (!to) return;
    let done = 0;
    let failed = 0;
    setProgress({ done, failed });
    for (const r of records) {
      const ok = await reassign(r, to, reason.trim());
      if (ok) done++;
      else failed++;
      setProgress({ done, failed });
    }
    if (failed === 0) {
      setProgress(null);
      setTo(undefined);
      setReason('');
      onDone(done);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={busy ? undefined : onCancel}
      onOk={() => void submit()}
      okText={t('rep.reassign.submit', { count: records.length })}
      okButtonProps={testProps({ disabled: !to || busy, loading: busy }, 'reassign-submit')}
      cancelButtonProps={{ disabled: busy }}
      destroyOnHidden
    >
      <Form layout="vertical" data-testid="reassign-modal">
        <Form.Item label={t('rep.reassign.to')} required>
          <Select
            data-testid="reassign-user"
            showSearch={{ optionFilterProp: 'label' }}
            value={to}
            onChange={setTo}
            placeholder={t('rep.reassign.pick')}
            options={candidates.map((u) => ({
              value: u.id,
              label: u.name,
              title: u.email,
            }))}
            optionRender={(o) => (
              <span data-testid={`reassign-option-${o.data.title ?? o.value}`}>{o.label}</span>
            )}
          />
        </Form.Item>
        <Form.Item label={t('rep.reassign.reason')}>
          <Input.TextArea
            data-testid="reassign-reason"
            value={reason}
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 4 }}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('rep.reassign.reasonHint')}
          />
        </Form.Item>
        {progress && records.length > 1 && (
          <Progress
            percent={Math.round(((progress.done + progress.failed) / records.length) * 100)}
            status={progress.failed ? 'exception' : 'active'}
          />
        )}
        {progress && progress.failed > 0 && !busy && (
          <Alert
            type="error"
            showIcon
            title={t('rep.reassign.partial', { done: progress.done, failed: progress.failed })}
          />
        )}
      </Form>
    </Modal>
  );
}

/** Reassigns one record (the modal's `reassign`): true when it went through, else says why. */
export function useReassignOne() {
  const { message } = App.useApp();
  return async (r: ReassignTarget, toUserId: string, reason: string) => {
    try {
      await sendCommand(
        'POST',
        `/api/records/${encodeURIComponent(r.id)}/reassign`,
        { toUserId, version: r.version, ...(reason ? { reason } : {}) },
        newIdempotencyKey(),
      );
      return true;
    } catch (e) {
      void message.error(errorMessage(e));
      return false;
    }
  };
}
