/** /admin/teams: the teams (an admin: all, and may create; a manager: the teams they manage). */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Form, Input, Modal, Select, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../../shared/api/queries.ts';
import { testProps } from '../../shared/test-props.ts';
import { AdminLayout } from './admin-layout.tsx';
import { type TeamSummary, useAdminTeams, useAdminUsers, useCreateTeam } from './api.ts';
import { ErrorAlert } from './error-alert.tsx';
import { byId, nameOf } from './format.ts';
import { TeamSettingsFields } from './team-fields.tsx';

export function TeamsPage() {
  return (
    <AdminLayout tab="teams">
      <TeamsList />
    </AdminLayout>
  );
}

/** The server's team id rule (routes/admin.ts `TeamId`). */
export const TEAM_ID = /^[a-z0-9][a-z0-9-_]*$/;

function TeamsList() {
  const { t } = useTranslation();
  const me = useMe();
  const teams = useAdminTeams();
  const users = useAdminUsers();
  const people = useMemo(() => byId(users.data), [users.data]);
  const [creating, setCreating] = useState(false);
  const isAdmin = me.data?.role === 'admin';
  const visible = (teams.data ?? []).filter(
    (tm) => isAdmin || (me.data && tm.managerIds.includes(me.data.id)),
  );

  const columns: ColumnsType<TeamSummary> = [
    {
      key: 'name',
      title: t('admin.teams.name'),
      render: (_, tm) => (
        <Link to={`/admin/teams/${encodeURIComponent(tm.id)}`} data-testid={`team-link-${tm.id}`}>
          {tm.name}
        </Link>
      ),
    },
    { key: 'id', title: t('admin.teams.id'), dataIndex: 'id', responsive: ['md'] },
    {
      key: 'managers',
      title: t('admin.teams.managers'),
      render: (_, tm) => tm.managerIds.map((id) => nameOf(people, id)).join('、') || '—',
    },
    {
      key: 'members',
      title: t('admin.teams.members'),
      render: (_, tm) => t('admin.teams.memberCount', { count: tm.memberIds.length }),
    },
  ];

  return (
    <>
      <div className="admin-toolbar">
        <Typography.Text type="secondary">
          {isAdmin ? t('admin.teams.hint') : t('admin.teams.hintManager')}
        </Typography.Text>
        {isAdmin && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="team-create-open"
          >
            {t('admin.teams.create')}
          </Button>
        )}
      </div>
      {teams.isError && (
        <ErrorAlert
          title={t('admin.loadFailed', { what: t('admin.tabs.teams') })}
          error={teams.error}
        />
      )}
      <Table<TeamSummary>
        rowKey="id"
        loading={teams.isPending}
        dataSource={visible}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('admin.teams.empty')} /> }}
        data-testid="teams-table"
      />
      {isAdmin && <CreateTeamModal open={creating} onClose={() => setCreating(false)} />}
    </>
  );
}

type CreateForm = {
  id: string;
  name: string;
  shared: boolean;
  managers: string[];
  members: string[];
};

function CreateTeamModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateForm>();
  const users = useAdminUsers();
  const create = useCreateTeam();
  const navigate = useNavigate();
  const options = (users.data ?? [])
    .filter((u) => u.active)
    .map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }));

  const close = () => {
    create.reset();
    form.resetFields();
    onClose();
  };

  const submit = (v: CreateForm) =>
    create.mutate(
      {
        id: v.id.trim(),
        name: v.name.trim(),
        shared: v.shared,
        managers: v.managers,
        members: v.members.map((userId) => ({ userId })),
      },
      {
        onSuccess: (team) => {
          close();
          navigate(`/admin/teams/${encodeURIComponent(team.id)}`);
        },
      },
    );

  return (
    <Modal
      open={open}
      title={t('admin.teams.create')}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('admin.teams.createOk')}
      cancelText={t('admin.cancel')}
      okButtonProps={testProps({ loading: create.isPending }, 'team-create-submit')}
      destroyOnHidden
    >
      <Form<CreateForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ shared: false, managers: [], members: [] }}
        onFinish={submit}
      >
        {create.isError && (
          <ErrorAlert
            title={t('admin.teams.createFailed')}
            error={create.error}
            testId="team-create-error"
          />
        )}
        <Form.Item
          name="id"
          label={t('admin.teams.id')}
          extra={t('admin.teams.idHelp')}
          rules={[
            { required: true, message: t('admin.teams.idRequired') },
            { pattern: TEAM_ID, message: t('admin.teams.idInvalid') },
            { max: 64, message: t('admin.teams.idInvalid') },
          ]}
        >
          <Input data-testid="team-create-id" autoComplete="off" />
        </Form.Item>
        <TeamSettingsFields options={options} testIdPrefix="team-create" />
        <Form.Item name="members" label={t('admin.teams.members')}>
          <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={options} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
