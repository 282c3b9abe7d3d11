/**
 * An endpoint's delivery log in a drawer: each message with its status, attempts, the latest
 * response (status, body excerpt, duration) and next attempt; the request on expanding a
 * row; resend one; replay everything failed or held since a time.
 */
import { App, Button, DatePicker, Drawer, Empty, Grid, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { formatDateTime } from './format.ts';
import {
  useDeliveryLog,
  useReplayDeliveries,
  useResendDelivery,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks-api.ts';

const STATUS_COLOR: Record<WebhookDelivery['status'], string> = {
  delivered: 'green',
  pending: 'blue',
  failed: 'red',
  held: 'orange',
};

export function WebhookLog({
  endpoint,
  onClose,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  return (
    <Drawer
      open={endpoint !== null}
      onClose={onClose}
      title={t('admin.webhooks.logTitle', { url: endpoint?.url ?? '' })}
      width={screens.md ? 900 : '100%'}
      destroyOnHidden
      data-testid="webhook-log"
    >
      {endpoint && <LogBody endpoint={endpoint} />}
    </Drawer>
  );
}

function LogBody({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const log = useDeliveryLog(endpoint.id);
  const resend = useResendDelivery(endpoint.id);
  const replay = useReplayDeliveries(endpoint.id);
  const [since, setSince] = useState<Dayjs | null>(dayjs().subtract(1, 'day'));
  const when = (v: number | null) => (v === null ? '—' : formatDateTime(v, i18n.language));
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];

  const columns: ColumnsType<WebhookDelivery> = [
    {
      key: 'event',
      title: t('admin.webhooks.event'),
      render: (_, d) => (
        <div>
          <Typography.Text code>{d.eventType}</Typography.Text>
          <div>
            <Typography.Text type="secondary" className="admin-small">
              {when(d.createdAt)}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      key: 'status',
      title: t('admin.users.status'),
      render: (_, d) => (
        <Tag color={STATUS_COLOR[d.status]} data-testid={`delivery-status-${d.id}`}>
          {t(`admin.webhooks.status.${d.status}`)}
        </Tag>
      ),
    },
    {
      key: 'response',
      title: t('admin.webhooks.response'),
      render: (_, d) =>
        d.lastAttempt ? (
          <span data-testid={`delivery-response-${d.id}`}>
            {d.lastAttempt.responseStatus ?? d.lastAttempt.error ?? '—'}
            <Typography.Text type="secondary" className="admin-small">
              {' '}
              · {d.lastAttempt.durationMs} ms · {t('admin.webhooks.attempts', { n: d.attempts })}
            </Typography.Text>
          </span>
        ) : (
          '—'
        ),
    },
    {
      key: 'next',
      title: t('admin.webhooks.nextAttempt'),
      responsive: ['md'],
      render: (_, d) => when(d.nextAttemptAt),
    },
    {
      key: 'actions',
      title: '',
      render: (_, d) => (
        <Button
          size="small"
          onClick={() =>
            resend.mutateAsync(d.id).then(
              () => void message.success(t('admin.webhooks.resent')),
              (e: unknown) => void message.error(errorMessage(e)),
            )
          }
          data-testid={`delivery-resend-${d.id}`}
        >
          {t('admin.webhooks.resend')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Space wrap className="admin-toolbar">
        <Typography.Text>{t('admin.webhooks.replaySince')}</Typography.Text>
        <DatePicker showTime value={since} onChange={setSince} data-testid="webhook-replay-since" />
        <Button
          disabled={!since}
          loading={replay.isPending}
          onClick={() =>
            since &&
            replay.mutateAsync(since.valueOf()).then(
              (r) => void message.success(t('admin.webhooks.replayed', { n: r.queued })),
              (e: unknown) => void message.error(errorMessage(e)),
            )
          }
          data-testid="webhook-replay"
        >
          {t('admin.webhooks.replay')}
        </Button>
      </Space>
      <Table<WebhookDelivery>
        rowKey="id"
        size="small"
        loading={log.isPending}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        expandable={{
          expandedRowRender: (d) => (
            <div className="admin-webhook-exchange">
              <Typography.Text strong>{t('admin.webhooks.request')}</Typography.Text>
              <pre>{d.lastAttempt?.request ?? '—'}</pre>
              <Typography.Text strong>{t('admin.webhooks.responseBody')}</Typography.Text>
              <pre>{d.lastAttempt?.responseExcerpt || d.lastError || '—'}</pre>
            </div>
          ),
        }}
        locale={{ emptyText: <Empty description={t('admin.webhooks.logEmpty')} /> }}
        data-testid="webhook-log-table"
        onRow={(d) =>
          ({ 'data-testid': `delivery-row-${d.eventType}` }) as React.HTMLAttributes<HTMLElement>
        }
      />
      {log.hasNextPage && (
        <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage} block>
          {t('admin.webhooks.more')}
        </Button>
      )}
    </>
  );
}
