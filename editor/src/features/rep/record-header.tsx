/**
 * The record page's fixed parts: the head (back, title, call, and the tags: SOP, status, owner,
 * time left, reassign), the banner of a closed record and the card of actions.
 */
import { ArrowLeftOutlined, PhoneOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ActionList } from './action-list.tsx';
import type { Localized, OpenAction, RecordView } from './api.ts';
import { loc, type TimeLeft } from './format.ts';
import { TimeLeftTag } from './time-left-tag.tsx';

type Props = {
  record: RecordView;
  sopName: Localized;
  title: { title: string; subtitle: string };
  phone: string | null;
  ownerName: string;
  left: TimeLeft | null;
  canManage: boolean;
  onReassign: () => void;
};

export function RecordHeader({
  record,
  sopName,
  title,
  phone,
  ownerName,
  left,
  canManage,
  onReassign,
}: Props) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
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
        <Tag>{loc(sopName)}</Tag>
        <Tag
          color={
            record.status === 'open' ? 'processing' : record.status === 'lost' ? 'error' : 'success'
          }
          data-testid="record-status"
        >
          {t(`rep.status.${record.status}`)}
        </Tag>
        <Tag data-testid="record-owner">{t('rep.ownerIs', { name: ownerName })}</Tag>
        <TimeLeftTag left={left} testId="record-time-left" />
        {canManage && record.status === 'open' && (
          <Button
            size="small"
            icon={<SwapOutlined />}
            onClick={onReassign}
            data-testid="record-reassign"
          >
            {t('rep.reassign.button')}
          </Button>
        )}
      </div>
    </>
  );
}

export function ClosedBanner({ record }: { record: RecordView }) {
  const { t } = useTranslation();
  if (record.status === 'open') return null;
  return (
    <Alert
      type={record.status === 'lost' ? 'error' : 'success'}
      showIcon
      className="rep-banner"
      data-testid="record-closed"
      title={t('rep.record.closedBanner', { status: t(`rep.status.${record.status}`) })}
      description={record.lostReason ?? undefined}
    />
  );
}

type ActionsProps = {
  actions: OpenAction[];
  losing: Set<string>;
  busy: boolean;
  pendingAction: string | null;
  live: boolean;
  onAct: (a: OpenAction) => void;
};

export function RecordActionsCard({
  actions,
  losing,
  busy,
  pendingAction,
  live,
  onAct,
}: ActionsProps) {
  const { t } = useTranslation();
  return (
    <Card size="small" className="rep-card" title={t('rep.actions.title')}>
      {actions.length ? (
        <ActionList
          actions={actions}
          losing={losing}
          busy={busy}
          pendingAction={pendingAction}
          readOnly={false}
          onAct={onAct}
        />
      ) : (
        <Typography.Text type="secondary">{t('rep.actions.none')}</Typography.Text>
      )}
      {live && (
        <Typography.Paragraph type="secondary" className="rep-live-note">
          {t('rep.actions.liveNote')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
