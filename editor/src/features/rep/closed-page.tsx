/**
 * /closed — the records that are no longer open: a rep's own won, lost and finished records
 * (a manager's: the team's), newest first, searchable by name, company or phone, with the
 * final stage, when it closed and why it was lost. Phone first: one card per record.
 */
import { SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Segmented, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import {
  type ClosedStatus,
  type RecordView,
  useClosedRecords,
  usePublishedSops,
  useSopVersion,
  useUsers,
} from './api.ts';
import { CardWho } from './card-who.tsx';
import { formatDateTime, loc, recordTitle, stageTitleFromMachine } from './format.ts';
import './rep.css';

const STATUSES: readonly ClosedStatus[] = ['closed', 'won', 'lost', 'done'];
const STATUS_COLOR = { won: 'green', lost: 'red', done: 'blue', open: 'default' } as const;

function statusOf(raw: string | null): ClosedStatus {
  return STATUSES.find((s) => s === raw) ?? 'closed';
}

export function ClosedPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const status = statusOf(params.get('status'));
  const urlQ = params.get('q') ?? '';
  const [q, setQ] = useState(urlQ);
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  // debounce the text filter into the URL
  useEffect(() => {
    const id = setTimeout(() => {
      if (urlQ !== q.trim()) set({ q: q.trim() || undefined });
    }, 300);
    return () => clearTimeout(id);
  });
  // a rep sees their own; a manager or admin what they may see (the team's)
  const ownerId = me?.role === 'rep' ? me.id : undefined;
  const list = useClosedRecords(
    { status, ...(urlQ ? { q: urlQ } : {}), ...(ownerId ? { ownerId } : {}) },
    !!me,
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page rep-page" data-testid="closed-page">
      <div className="rep-head">
        <Typography.Title level={4} className="rep-title">
          {t('rep.closed.title')}
        </Typography.Title>
        <Link to="/customers">
          <Button data-testid="closed-customers-link">{t('rep.closed.myCustomers')}</Button>
        </Link>
      </div>
      <Segmented<ClosedStatus>
        block
        className="rep-scope"
        value={status}
        onChange={(v) => set({ status: v === 'closed' ? undefined : v })}
        options={STATUSES.map((s) => ({
          value: s,
          label: (
            <span data-testid={`closed-status-${s}`}>
              {s === 'closed' ? t('rep.closed.all') : t(`rep.status.${s}`)}
            </span>
          ),
        }))}
      />
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('rep.next.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="closed-q"
        className="rep-search"
      />
      {list.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : list.error ? (
        <Empty description={errorMessage(list.error)} />
      ) : items.length === 0 ? (
        <Empty
          className="rep-empty"
          data-testid="closed-empty"
          description={urlQ ? t('rep.closed.noMatch') : t('rep.closed.empty')}
        />
      ) : (
        <>
          <div className="rep-list" data-testid="closed-list">
            {items.map((r) => (
              <ClosedCard key={r.id} record={r} showOwner={!ownerId} />
            ))}
          </div>
          {list.hasNextPage && (
            <Button
              block
              className="rep-more"
              loading={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
              data-testid="closed-more"
            >
              {t('rep.closed.more')}
            </Button>
          )}
        </>
      )}
    </div>
  );
}

function ClosedCard({ record, showOwner }: { record: RecordView; showOwner: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const doc = useSopVersion(record.sopId, record.sopVersion).data;
  const sopName = usePublishedSops().data?.find((s) => s.sopId === record.sopId)?.name;
  const users = useUsers();
  const title = recordTitle(record.fields, doc?.fields ?? []);
  const owner = users.data?.find((u) => u.id === record.ownerId)?.name;
  return (
    <Card
      size="small"
      hoverable
      className={`rep-next-card rep-closed-${record.status}`}
      data-testid="closed-card"
      data-record-id={record.id}
      data-status={record.status}
      onClick={() => navigate(`/records/${record.id}`)}
    >
      <div className="rep-card-top">
        <CardWho title={title} testId="closed-card-name" />
        <Tag color={STATUS_COLOR[record.status]} data-testid="closed-card-status">
          {t(`rep.status.${record.status}`)}
        </Tag>
      </div>
      <div className="rep-card-stage">
        {record.currentStages.map((s) => (
          <Tag key={s} data-testid="closed-card-stage">
            {doc ? stageTitleFromMachine(doc.machine.states, s) : s}
          </Tag>
        ))}
        <Typography.Text type="secondary" className="rep-card-sop">
          {sopName ? loc(sopName) : (doc && loc(doc.name)) || ''}
        </Typography.Text>
      </div>
      <Typography.Text type="secondary" className="rep-closed-when">
        {t('rep.closed.closedAt', { at: formatDateTime(record.updatedAt) })}
        {showOwner && owner ? ` · ${t('rep.ownerIs', { name: owner })}` : ''}
      </Typography.Text>
      {record.status === 'lost' && record.lostReason && (
        <Typography.Paragraph
          type="secondary"
          className="rep-card-todo"
          ellipsis={{ rows: 2 }}
          data-testid="closed-card-reason"
        >
          {t('rep.closed.lostReason', { reason: record.lostReason })}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
