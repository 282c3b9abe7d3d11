/** The team page's members table: name (leave; on a phone a summary), weight, cap, leave, shift, actions. */
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Grid, Popconfirm, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { testProps } from '../../shared/test-props.ts';
import type { MemberSettings, UserSummary } from './api.ts';
import { formatDateTime, nameOf } from './format.ts';

export function useMemberColumns({
  people,
  onEdit,
  onRemove,
}: {
  people: Map<string, UserSummary>;
  onEdit: (m: MemberSettings) => void;
  /** After the admin confirms. */
  onRemove: (m: MemberSettings) => void;
}): ColumnsType<MemberSettings> {
  const { t, i18n } = useTranslation();
  const screens = Grid.useBreakpoint();
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
  return [
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
            onClick={() => onEdit(m)}
            data-testid={`member-edit-${m.userId}`}
            aria-label={t('admin.member.edit')}
          />
          <Popconfirm
            title={t('admin.teams.removeConfirm', { name: nameOf(people, m.userId) })}
            okText={t('admin.teams.remove')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({ danger: true }, `member-remove-ok-${m.userId}`)}
            onConfirm={() => onRemove(m)}
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
}
