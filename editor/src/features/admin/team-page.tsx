/**
 * /admin/teams/:teamId: a team's name, sharing and managers (admin), its members and each
 * member's routing settings — weight, cap on open records, leave, working shift — (admin or
 * the team's manager). Reads getTeam; every save is one updateTeam call.
 */
import { ArrowLeftOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Grid,
  Popconfirm,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { testProps } from '../../shared/test-props.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { AdminLayout } from './admin-layout.tsx';
import {
  type MemberInput,
  type MemberSettings,
  memberInput,
  type TeamDetail,
  useAdminUsers,
  useTeam,
  useUpdateTeam,
} from './api.ts';
import { ErrorAlert } from './error-alert.tsx';
import { byId, formatDateTime, nameOf } from './format.ts';
import { MemberDrawer } from './member-drawer.tsx';
import { TeamSettingsFields } from './team-fields.tsx';

export function TeamPage() {
  return (
    <AdminLayout tab="teams">
      <TeamView />
    </AdminLayout>
  );
}

function TeamView() {
  const { t } = useTranslation();
  const { teamId = '' } = useParams();
  const team = useTeam(teamId);
  if (team.isPending) return <PageSpinner />;
  if (team.isError) {
    const status = team.error instanceof ApiError ? team.error.status : 0;
    return (
      <Result
        status={status === 404 ? '404' : status === 403 ? '403' : 'error'}
        title={t('admin.loadFailed', { what: teamId })}
        subTitle={errorMessage(team.error)}
        extra={
          <Link to="/admin/teams">
            <Button>{t('admin.teams.back')}</Button>
          </Link>
        }
        data-testid="team-error"
      />
    );
  }
  return <TeamEditor team={team.data} />;
}

type SettingsForm = { name: string; shared: boolean; managers: string[] };

function TeamEditor({ team }: { team: TeamDetail }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const users = useAdminUsers();
  const people = useMemo(() => byId(users.data), [users.data]);
  const update = useUpdateTeam(team.id);
  const membersUpdate = useUpdateTeam(team.id);
  const [form] = Form.useForm<SettingsForm>();
  const [editing, setEditing] = useState<MemberSettings | null>(null);
  const [adding, setAdding] = useState<string[]>([]);
  const isAdmin = me.data?.role === 'admin';
  const screens = Grid.useBreakpoint();

  useEffect(() => {
    form.setFieldsValue({ name: team.name, shared: team.shared, managers: team.managerIds });
  }, [team, form]);

  const userOptions = (users.data ?? [])
    .filter((u) => u.active)
    .map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }));
  const memberIds = new Set(team.members.map((m) => m.userId));

  const saveSettings = (v: SettingsForm) =>
    update.mutate(
      { name: v.name.trim(), shared: v.shared, managers: v.managers },
      { onSuccess: () => void message.success(t('admin.saved')) },
    );

  const saveMembers = (members: MemberInput[], onDone?: () => void) =>
    membersUpdate.mutate(
      { members },
      {
        onSuccess: () => {
          void message.success(t('admin.saved'));
          onDone?.();
        },
      },
    );

  const now = Date.now();
  const capText = (m: MemberSettings) =>
    m.cap === null || m.cap === undefined ? t('admin.member.noCap') : String(m.cap);
  const leaveText = (m: MemberSettings) =>
    `${formatDateTime(m.leaveFrom, i18n.language)} – ${
      m.leaveUntil ? formatDateTime(m.leaveUntil, i18n.language) : t('admin.member.openEnded')
    }`;
  const shiftText = (m: MemberSettings) =>
    m.shift
      ? `${m.shift.start}–${m.shift.end}${
          m.shift.days?.length
            ? ` · ${m.shift.days.map((d) => t(`admin.weekdays.${d}`)).join(' ')}`
            : ''
        }`
      : t('admin.member.always');
  const columns: ColumnsType<MemberSettings> = [
    {
      key: 'member',
      title: t('admin.teams.member'),
      render: (_, m) => {
        const u = people.get(m.userId);
        const away =
          m.leaveFrom &&
          Date.parse(m.leaveFrom) <= now &&
          (!m.leaveUntil || Date.parse(m.leaveUntil) > now);
        return (
          <div>
            <Typography.Text strong>{nameOf(people, m.userId)}</Typography.Text>
            {u && !u.active && <Tag className="admin-you">{t('admin.users.inactive')}</Tag>}
            {away && (
              <Tag color="orange" className="admin-you">
                {t('admin.teams.onLeaveNow')}
              </Tag>
            )}
            {!screens.md && (
              <div className="admin-small admin-muted" data-testid={`member-summary-${m.userId}`}>
                {t('admin.member.weight')} {m.weight} · {t('admin.member.cap')} {capText(m)}
                <br />
                {t('admin.member.shift')} {shiftText(m)}
                {m.leaveFrom && (
                  <>
                    <br />
                    {t('admin.member.leave')} {leaveText(m)}
                  </>
                )}
              </div>
            )}
          </div>
        );
      },
    },
    {
      key: 'weight',
      title: t('admin.member.weight'),
      responsive: ['md'],
      render: (_, m) => <span data-testid={`member-weight-${m.userId}`}>{m.weight}</span>,
    },
    {
      key: 'cap',
      title: t('admin.member.cap'),
      responsive: ['md'],
      render: (_, m) => <span data-testid={`member-cap-${m.userId}`}>{capText(m)}</span>,
    },
    {
      key: 'leave',
      title: t('admin.member.leave'),
      responsive: ['md'],
      render: (_, m) => (
        <span data-testid={`member-leave-${m.userId}`}>{m.leaveFrom ? leaveText(m) : '—'}</span>
      ),
    },
    {
      key: 'shift',
      title: t('admin.member.shift'),
      responsive: ['md'],
      render: (_, m) => <span data-testid={`member-shift-${m.userId}`}>{shiftText(m)}</span>,
    },
    {
      key: 'actions',
      title: t('admin.users.actions'),
      render: (_, m) => (
        <Space size={4}>
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => setEditing(m)}
            data-testid={`member-edit-${m.userId}`}
            aria-label={t('admin.member.edit')}
          />
          <Popconfirm
            title={t('admin.teams.removeConfirm', { name: nameOf(people, m.userId) })}
            okText={t('admin.teams.remove')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({ danger: true }, `member-remove-ok-${m.userId}`)}
            onConfirm={() =>
              saveMembers(team.members.filter((x) => x.userId !== m.userId).map(memberInput))
            }
          >
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('admin.teams.remove')}
              data-testid={`member-remove-${m.userId}`}
            />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <div className="admin-team" data-testid={`team-${team.id}`}>
      <Link to="/admin/teams" className="admin-back">
        <ArrowLeftOutlined /> {t('admin.teams.back')}
      </Link>
      <Card
        size="small"
        className="admin-card"
        title={
          <span>
            {team.name} <Typography.Text type="secondary">({team.id})</Typography.Text>
          </span>
        }
      >
        {update.isError && (
          <ErrorAlert title={t('admin.saveFailed')} error={update.error} testId="team-save-error" />
        )}
        {!isAdmin && (
          <Typography.Paragraph type="secondary">
            {t('admin.teams.managerNote')}
          </Typography.Paragraph>
        )}
        <Form<SettingsForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={!isAdmin}
          onFinish={saveSettings}
          className="admin-team-form"
        >
          <TeamSettingsFields options={userOptions} testIdPrefix="team" />
          {isAdmin && (
            <Button
              type="primary"
              htmlType="submit"
              loading={update.isPending}
              data-testid="team-save"
            >
              {t('admin.save')}
            </Button>
          )}
        </Form>
      </Card>
      <Card size="small" className="admin-card" title={t('admin.teams.membersTitle')}>
        <Typography.Paragraph type="secondary">{t('admin.teams.routingHelp')}</Typography.Paragraph>
        {membersUpdate.isError && (
          <ErrorAlert
            title={t('admin.saveFailed')}
            error={membersUpdate.error}
            testId="members-save-error"
          />
        )}
        <div className="admin-add-member">
          <Select
            mode="multiple"
            value={adding}
            onChange={setAdding}
            placeholder={t('admin.teams.addPlaceholder')}
            showSearch={{ optionFilterProp: 'label' }}
            options={userOptions.filter((o) => !memberIds.has(o.value))}
            className="admin-add-select"
            data-testid="member-add-select"
          />
          <Button
            icon={<PlusOutlined />}
            disabled={adding.length === 0}
            loading={membersUpdate.isPending}
            onClick={() =>
              saveMembers(
                [...team.members.map(memberInput), ...adding.map((userId) => ({ userId }))],
                () => setAdding([]),
              )
            }
            data-testid="member-add"
          >
            {t('admin.teams.add')}
          </Button>
        </div>
        <Table<MemberSettings>
          rowKey="userId"
          size="small"
          dataSource={team.members}
          columns={columns}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="members-table"
        />
      </Card>
      <MemberDrawer
        member={editing}
        name={editing ? nameOf(people, editing.userId) : ''}
        saving={membersUpdate.isPending}
        error={membersUpdate.isError ? membersUpdate.error : null}
        onClose={() => {
          membersUpdate.reset();
          setEditing(null);
        }}
        onSave={(changed) =>
          saveMembers(
            team.members.map((m) => (m.userId === changed.userId ? changed : memberInput(m))),
            () => setEditing(null),
          )
        }
      />
    </div>
  );
}
