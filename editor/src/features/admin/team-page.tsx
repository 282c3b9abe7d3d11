/**
 * /admin/teams/:teamId: a team's name, sharing and managers (admin), its members and each
 * member's routing settings — weight, cap on open records, leave, working shift — (admin or
 * the team's manager). Reads getTeam; every save is one updateTeam call.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Result, Typography } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { AdminLayout } from './admin-layout.tsx';
import { type TeamDetail, useAdminUsers, useTeam, useUpdateTeam } from './api.ts';
import { ErrorAlert } from './error-alert.tsx';
import { byId } from './format.ts';
import { TeamSettingsFields } from './team-fields.tsx';
import { TeamMembers } from './team-members.tsx';

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
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const users = useAdminUsers();
  const people = useMemo(() => byId(users.data), [users.data]);
  const update = useUpdateTeam(team.id);
  const [form] = Form.useForm<SettingsForm>();
  const isAdmin = me.data?.role === 'admin';

  useEffect(() => {
    form.setFieldsValue({ name: team.name, shared: team.shared, managers: team.managerIds });
  }, [team, form]);

  const userOptions = (users.data ?? [])
    .filter((u) => u.active)
    .map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }));

  const saveSettings = (v: SettingsForm) =>
    update.mutate(
      { name: v.name.trim(), shared: v.shared, managers: v.managers },
      { onSuccess: () => void message.success(t('admin.saved')) },
    );

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
      <TeamMembers team={team} people={people} userOptions={userOptions} />
    </div>
  );
}
