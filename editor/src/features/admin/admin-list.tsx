/**
 * The shape every admin list tab shares: a hint beside the create button, a notice when the
 * list cannot load (an older server without the route, or an error), and the table with an
 * empty state that says what would be listed.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isMissingRoute } from './api.ts';
import { ErrorAlert } from './error-alert.tsx';

export function MissingApi({ error, what }: { error: unknown; what: string }) {
  const { t } = useTranslation();
  return isMissingRoute(error) ? (
    <Alert
      type="info"
      showIcon
      title={t('admin.missingApi', { what })}
      description={t('admin.missingApiBody')}
      className="admin-alert"
      data-testid="admin-missing-api"
    />
  ) : (
    <ErrorAlert title={t('admin.loadFailed', { what })} error={error} />
  );
}

type ListQuery<T> = { data?: T[]; error: unknown; isError: boolean; isPending: boolean };

export function AdminList<T extends { id: string }>(props: {
  hint: ReactNode;
  create: { label: string; testId: string; onClick: () => void };
  query: ListQuery<T>;
  /** The tab's name, for the "could not load" notice. */
  what: string;
  columns: ColumnsType<T>;
  empty: { icon: ReactNode; text: string };
  testId: string;
  onRow?: (row: T) => React.HTMLAttributes<HTMLElement>;
}) {
  const { hint, create, query, columns } = props;
  return (
    <>
      <div className="admin-toolbar">
        <Typography.Text type="secondary">{hint}</Typography.Text>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={create.onClick}
          disabled={isMissingRoute(query.error)}
          data-testid={create.testId}
        >
          {create.label}
        </Button>
      </div>
      {query.isError && <MissingApi error={query.error} what={props.what} />}
      <Table<T>
        rowKey="id"
        loading={query.isPending}
        dataSource={query.data ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={props.empty.icon} description={props.empty.text} /> }}
        data-testid={props.testId}
        onRow={props.onRow}
      />
    </>
  );
}
