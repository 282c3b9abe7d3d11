/** /admin/users: everyone in the workspace; invite, change role and language, deactivate. */
import { EditOutlined, StopOutlined, UserAddOutlined } from '@ant-design/icons';
import { Alert, Button, Grid, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { AdminLayout } from './admin-layout.tsx';
import { type UserSummary, useAdminTeams, useAdminUsers } from './api.ts';
import { DeactivateModal } from './deactivate-modal.tsx';
import { EditUserModal } from './edit-user-modal.tsx';
import { IntakeSetting } from './intake-setting.tsx';
import { InviteModal } from './invite-modal.tsx';
import { PendingInvites } from './pending-invites.tsx';

export function UsersPage() {
  return (
    <AdminLayout tab="users" adminOnly>
      <IntakeSetting />
      <UsersTable />
    </AdminLayout>
  );
}

function UsersTable() {
  const { t } = useTranslation();
  const me = useMe();
  const users = useAdminUsers();
  const teams = useAdminTeams();
  const screens = Grid.useBreakpoint();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<UserSummary | null>(null);
  const [deactivating, setDeactivating] = useState<UserSummary | null>(null);
  const teamNames = useMemo(
    () => new Map((teams.data ?? []).map((tm) => [tm.id, tm.name])),
    [teams.data],
  );

  const columns: ColumnsType<UserSummary> = [
    {
      key: 'name',
      title: t('admin.users.name'),
      render: (_, u) => (
        <div>
          <Typography.Text strong data-testid={`user-name-${u.email}`}>
            {u.name}
          </Typography.Text>
          {u.id === me.data?.id && <Tag className="admin-you">{t('admin.users.you')}</Tag>}
          {!screens.md && (
            <div>
              <Typography.Text type="secondary" className="admin-small">
                {u.email}
              </Typography.Text>
            </div>
          )}
          {!screens.sm && !u.active && <Tag>{t('admin.users.inactive')}</Tag>}
        </div>
      ),
    },
    {
      key: 'email',
      title: t('admin.users.email'),
      dataIndex: 'email',
      responsive: ['md'],
    },
    {
      key: 'role',
      title: t('admin.users.role'),
      render: (_, u) => <Tag data-testid={`user-role-${u.email}`}>{t(`app.roles.${u.role}`)}</Tag>,
    },
    {
      key: 'teams',
      title: t('admin.users.teams'),
      responsive: ['lg'],
      render: (_, u) =>
        u.teamIds.length ? (
          <Space size={[4, 4]} wrap>
            {u.teamIds.map((id) => (
              <Tag key={id}>{teamNames.get(id) ?? id}</Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      key: 'active',
      title: t('admin.users.status'),
      responsive: ['sm'],
      render: (_, u) =>
        u.active ? (
          <Tag color="green" data-testid={`user-active-${u.email}`}>
            {t('admin.users.active')}
          </Tag>
        ) : (
          <Tag data-testid={`user-active-${u.email}`}>{t('admin.users.inactive')}</Tag>
        ),
    },
    {
      key: 'actions',
      title: t('admin.users.actions'),
      render: (_, u) => (
        <Space size={4} wrap>
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => setEditing(u)}
            disabled={!u.active}
            aria-label={t('admin.users.edit')}
            data-testid={`user-edit-${u.email}`}
          >
            {screens.sm ? t('admin.users.edit') : null}
          </Button>
          {u.active && u.id !== me.data?.id && (
            <Button
              size="small"
              danger
              icon={<StopOutlined />}
              onClick={() => setDeactivating(u)}
              aria-label={t('admin.users.deactivate')}
              data-testid={`user-deactivate-${u.email}`}
            >
              {screens.sm ? t('admin.users.deactivate') : null}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <div className="admin-toolbar">
        <Typography.Text type="secondary">
          {users.data ? t('admin.users.count', { count: users.data.length }) : null}
        </Typography.Text>
        <Button
          type="primary"
          icon={<UserAddOutlined />}
          onClick={() => setInviting(true)}
          data-testid="invite-open"
        >
          {t('admin.invite.open')}
        </Button>
      </div>
      {users.isError && (
        <Alert
          type="error"
          showIcon
          title={t('admin.loadFailed', { what: t('admin.tabs.users') })}
          description={errorMessage(users.error)}
          action={<Button onClick={() => void users.refetch()}>{t('app.retry')}</Button>}
          className="admin-alert"
        />
      )}
      <PendingInvites />
      <Table<UserSummary>
        rowKey="id"
        size="middle"
        loading={users.isPending}
        dataSource={users.data ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="users-table"
        onRow={(u) =>
          ({ 'data-testid': `user-row-${u.email}` }) as React.HTMLAttributes<HTMLElement>
        }
      />
      <InviteModal open={inviting} onClose={() => setInviting(false)} />
      <EditUserModal
        user={editing}
        self={editing?.id === me.data?.id}
        onClose={() => setEditing(null)}
      />
      <DeactivateModal
        user={deactivating}
        users={users.data ?? []}
        onClose={() => setDeactivating(null)}
      />
    </>
  );
}
