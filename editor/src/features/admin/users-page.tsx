/** /admin/users: everyone in the workspace; invite, change role and language, deactivate. */
import { EditOutlined, StopOutlined, UserAddOutlined } from '@ant-design/icons';
import { Button, Grid, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/api/queries.ts';
import { AdminLayout } from './admin-layout.tsx';
import { type UserSummary, useAdminTeams, useAdminUsers } from './api.ts';
import { DeactivateModal } from './deactivate-modal.tsx';
import { EditUserModal } from './edit-user-modal.tsx';
import { ErrorAlert } from './error-alert.tsx';
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
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<UserSummary | null>(null);
  const [deactivating, setDeactivating] = useState<UserSummary | null>(null);
  const teamNames = useMemo(
    () => new Map((teams.data ?? []).map((tm) => [tm.id, tm.name])),
    [teams.data],
  );

  const columns = useUserColumns({
    meId: me.data?.id,
    teamNames,
    onEdit: setEditing,
    onDeactivate: setDeactivating,
  });

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
        <ErrorAlert
          title={t('admin.loadFailed', { what: t('admin.tabs.users') })}
          error={users.error}
          onRetry={() => void users.refetch()}
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

type ColumnOpts = {
  meId: string | undefined;
  teamNames: Map<string, string>;
  onEdit: (u: UserSummary) => void;
  onDeactivate: (u: UserSummary) => void;
};

/** The users table's columns: fewer on a narrow screen, edit and deactivate on each row. */
function useUserColumns({
  meId,
  teamNames,
  onEdit,
  onDeactivate,
}: ColumnOpts): ColumnsType<UserSummary> {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  return [
    {
      key: 'name',
      title: t('admin.users.name'),
      render: (_, u) => (
        <div>
          <Typography.Text strong data-testid={`user-name-${u.email}`}>
            {u.name}
          </Typography.Text>
          {u.id === meId && <Tag className="admin-you">{t('admin.users.you')}</Tag>}
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
            onClick={() => onEdit(u)}
            disabled={!u.active}
            aria-label={t('admin.users.edit')}
            data-testid={`user-edit-${u.email}`}
          >
            {screens.sm ? t('admin.users.edit') : null}
          </Button>
          {u.active && u.id !== meId && (
            <Button
              size="small"
              danger
              icon={<StopOutlined />}
              onClick={() => onDeactivate(u)}
              aria-label={t('admin.users.deactivate')}
              data-testid={`user-deactivate-${u.email}`}
            >
              {screens.sm ? t('admin.users.deactivate') : null}
            </Button>
          )}
        </Space>
      ),
    },
  ] satisfies ColumnsType<UserSummary>;
}
