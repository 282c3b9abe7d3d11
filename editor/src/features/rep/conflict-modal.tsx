/**
 * Someone else changed the record while the rep was working on it (409 stale version): show
 * what changed between the record the rep had and the record as it is now, and let them
 * redo their change on top of it (their unsaved inputs are kept).
 */
import { Alert, Button, Modal, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, RecordView } from './api.ts';
import { displayValue } from './format.ts';

export type RecordDiff = {
  stages: { from: string[]; to: string[] } | null;
  owner: { from: string | null; to: string | null } | null;
  status: { from: string; to: string } | null;
  fields: Array<{ key: string; from: string; to: string; label: string }>;
  checklist: Array<{ stage: string; from: number; to: number }>;
};

/** What differs between two versions of a record, in the terms a rep reads. */
export function diffRecords(
  mine: RecordView,
  current: RecordView,
  defs: FieldDef[],
  labelOf: (def: FieldDef | undefined, key: string) => string,
  userName?: (id: string) => string | undefined,
): RecordDiff {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const keys = [...new Set([...Object.keys(mine.fields), ...Object.keys(current.fields)])];
  const fields = keys
    .filter((k) => !same(mine.fields[k], current.fields[k]))
    .map((k) => {
      const def = byKey.get(k);
      return {
        key: k,
        label: labelOf(def, k),
        from: displayValue(def, mine.fields[k], userName),
        to: displayValue(def, current.fields[k], userName),
      };
    });
  const stages = [...new Set([...Object.keys(mine.checklist), ...Object.keys(current.checklist)])];
  return {
    stages: same([...mine.currentStages].sort(), [...current.currentStages].sort())
      ? null
      : { from: mine.currentStages, to: current.currentStages },
    owner: mine.ownerId === current.ownerId ? null : { from: mine.ownerId, to: current.ownerId },
    status: mine.status === current.status ? null : { from: mine.status, to: current.status },
    fields,
    checklist: stages
      .filter(
        (s) =>
          !same([...(mine.checklist[s] ?? [])].sort(), [...(current.checklist[s] ?? [])].sort()),
      )
      .map((s) => ({
        stage: s,
        from: mine.checklist[s]?.length ?? 0,
        to: current.checklist[s]?.length ?? 0,
      })),
  };
}

type Props = {
  open: boolean;
  diff: RecordDiff | null;
  stageTitle: (id: string) => string;
  userName: (id: string | null) => string;
  /** Whether the rep's change can still be made (the action is still open, etc.). */
  canRedo: boolean;
  /** The rep's own pending change, as "label: value" lines. */
  yours: string[];
  redoLabel: string;
  onRedo: () => void;
  onClose: () => void;
};

export function ConflictModal({
  open,
  diff,
  stageTitle,
  userName,
  canRedo,
  yours,
  redoLabel,
  onRedo,
  onClose,
}: Props) {
  const { t } = useTranslation();
  const nothing =
    diff &&
    !diff.stages &&
    !diff.owner &&
    !diff.status &&
    diff.fields.length === 0 &&
    diff.checklist.length === 0;
  return (
    <Modal
      open={open}
      title={t('rep.conflict.title')}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose} data-testid="conflict-close">
          {t('rep.conflict.review')}
        </Button>,
        <Button
          key="redo"
          type="primary"
          disabled={!canRedo}
          onClick={onRedo}
          data-testid="conflict-redo"
        >
          {redoLabel}
        </Button>,
      ]}
    >
      <div data-testid="conflict-modal">
        <Typography.Paragraph type="secondary">{t('rep.conflict.body')}</Typography.Paragraph>
        {diff && (
          <ul className="rep-diff" data-testid="conflict-diff">
            {diff.stages && (
              <li>
                <Tag color="blue">{t('rep.conflict.stage')}</Tag>
                {diff.stages.from.map(stageTitle).join('、')} →{' '}
                <b>{diff.stages.to.map(stageTitle).join('、')}</b>
              </li>
            )}
            {diff.status && (
              <li>
                <Tag color="red">{t('rep.conflict.status')}</Tag>
                {t(`rep.status.${diff.status.from}`)} → <b>{t(`rep.status.${diff.status.to}`)}</b>
              </li>
            )}
            {diff.owner && (
              <li>
                <Tag color="purple">{t('rep.conflict.owner')}</Tag>
                {userName(diff.owner.from)} → <b>{userName(diff.owner.to)}</b>
              </li>
            )}
            {diff.fields.map((f) => (
              <li key={f.key} data-testid={`conflict-field-${f.key}`}>
                <Tag>{f.label}</Tag>
                <span className="rep-from">{f.from}</span> → <b>{f.to}</b>
              </li>
            ))}
            {diff.checklist.map((c) => (
              <li key={c.stage}>
                <Tag>{t('rep.conflict.checklist', { stage: stageTitle(c.stage) })}</Tag>
                {c.from} → <b>{c.to}</b>
              </li>
            ))}
            {nothing && <li>{t('rep.conflict.nothingVisible')}</li>}
          </ul>
        )}
        {yours.length > 0 && (
          <div className="rep-yours" data-testid="conflict-yours">
            <Typography.Text type="secondary">{t('rep.conflict.yours')}</Typography.Text>
            <ul className="rep-diff">
              {yours.map((y) => (
                <li key={y}>{y}</li>
              ))}
            </ul>
          </div>
        )}
        {!canRedo && <Alert type="warning" showIcon title={t('rep.conflict.cannotRedo')} />}
      </div>
    </Modal>
  );
}
