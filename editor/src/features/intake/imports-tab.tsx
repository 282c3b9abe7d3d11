/** The imports tab: the wizard for a new import and the history with live progress. */
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Grid, Progress, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { errorReportUrl, type Import, useImports } from './api.ts';
import { formatWhen } from './format.ts';
import { ImportWizard } from './import-wizard.tsx';
import { RunProgress } from './run-progress.tsx';

export const STATUS_COLORS: Record<Import['status'], string> = {
  uploaded: 'default',
  running: 'processing',
  cancelling: 'warning',
  cancelled: 'warning',
  done: 'success',
  failed: 'error',
};

export function ImportsTab() {
  const { t } = useTranslation();
  const list = useImports();
  const screens = Grid.useBreakpoint();
  const [wizard, setWizard] = useState(false);
  const [watching, setWatching] = useState<string | null>(null);
  const columns: ColumnsType<Import> = [
    {
      key: 'file',
      title: t('intake.imports.file'),
      render: (_, r) => (
        <span>
          <Typography.Text strong>{r.fileName}</Typography.Text>
          <br />
          <Typography.Text type="secondary">
            {r.source} · {formatWhen(r.createdAt)}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: 'status',
      title: t('intake.imports.status'),
      render: (_, r) => (
        <Tag color={STATUS_COLORS[r.status]} data-testid={`import-status-${r.id}`}>
          {t(`intake.status.${r.status}`)}
        </Tag>
      ),
    },
    {
      key: 'counts',
      title: t('intake.imports.counts'),
      render: (_, r) =>
        r.status === 'running' || r.status === 'cancelling' ? (
          <Progress
            percent={r.total ? Math.floor((r.processed / r.total) * 100) : 0}
            size="small"
          />
        ) : r.status === 'uploaded' ? (
          <Typography.Text type="secondary">{t('intake.imports.notRun')}</Typography.Text>
        ) : (
          <span data-testid={`import-counts-${r.id}`}>
            {t('intake.imports.countsText', {
              created: r.created,
              attached: r.attached,
              duplicates: r.duplicates,
              failed: r.failed,
              total: r.total,
            })}
            {r.status === 'cancelled' && (
              <Typography.Text type="warning">
                {' '}
                {t('intake.imports.keptAfterCancel', { processed: r.processed })}
              </Typography.Text>
            )}
          </span>
        ),
    },
    {
      key: 'actions',
      align: 'right',
      render: (_, r) => (
        <Space wrap>
          {(r.status === 'running' || r.status === 'cancelling') && (
            <Button size="small" onClick={() => setWatching(r.id)}>
              {t('intake.imports.watch')}
            </Button>
          )}
          {r.failed > 0 && (
            <Button
              size="small"
              icon={<DownloadOutlined />}
              href={errorReportUrl(r.id)}
              download
              data-testid={`import-errors-${r.id}`}
            >
              {t('intake.imports.errorReport')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  // a phone: file, status and counts stacked in one column, the actions beside them
  const phoneColumns: ColumnsType<Import> = [
    {
      key: 'all',
      title: t('intake.imports.file'),
      render: (_, r, i) => (
        <div className="import-stack">
          {columns[0]?.render?.(null, r, i) as ReactNode}
          {columns[1]?.render?.(null, r, i) as ReactNode}
          {columns[2]?.render?.(null, r, i) as ReactNode}
        </div>
      ),
    },
    columns[3] as ColumnsType<Import>[number],
  ];
  const watched = list.data?.find((i) => i.id === watching) ?? null;
  return (
    <div data-testid="intake-imports">
      {wizard ? (
        <ImportWizard onClose={() => setWizard(false)} />
      ) : (
        <div className="intake-toolbar">
          <Typography.Text type="secondary">{t('intake.imports.hint')}</Typography.Text>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setWizard(true)}
            data-testid="import-new"
          >
            {t('intake.imports.new')}
          </Button>
        </div>
      )}
      {watched && <RunProgress imp={watched} onClose={() => setWatching(null)} />}
      <Typography.Title level={5}>{t('intake.imports.history')}</Typography.Title>
      <Table<Import>
        size="small"
        rowKey="id"
        columns={screens.md ? columns : phoneColumns}
        dataSource={list.data ?? []}
        loading={list.isPending}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        {...(screens.md ? { scroll: { x: 640 } } : {})}
        data-testid="import-history"
        locale={{
          emptyText: list.error ? (
            errorMessage(list.error)
          ) : (
            <Empty description={t('intake.imports.empty')} />
          ),
        }}
      />
    </div>
  );
}
