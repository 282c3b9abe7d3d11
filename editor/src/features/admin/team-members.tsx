/** A team's members: add some, the routing settings table (edit, remove) and the member drawer. */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type MemberInput,
  type MemberSettings,
  memberInput,
  type TeamDetail,
  type UserSummary,
  useUpdateTeam,
} from './api.ts';
import { ErrorAlert } from './error-alert.tsx';
import { nameOf } from './format.ts';
import { useMemberColumns } from './member-columns.tsx';
import { MemberDrawer } from './member-drawer.tsx';

type Option = { value: string; label: string };

/** Every save is one updateTeam call with the whole member list. */
export function TeamMembers({
  team,
  people,
  userOptions,
}: {
  team: TeamDetail;
  people: Map<string, UserSummary>;
  /** The active users, for adding. */
  userOptions: Option[];
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const membersUpdate = useUpdateTeam(team.id);
  const [editing, setEditing] = useState<MemberSettings | null>(null);
  const [adding, setAdding] = useState<string[]>([]);
  const memberIds = new Set(team.members.map((m) => m.userId));

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
  const columns = useMemberColumns({
    people,
    onEdit: setEditing,
    onRemove: (m) =>
      saveMembers(team.members.filter((x) => x.userId !== m.userId).map(memberInput)),
  });

  return (
    <>
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
    </>
  );
}
