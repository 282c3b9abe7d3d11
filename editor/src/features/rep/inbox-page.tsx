/**
 * /inbox — reminders, escalations, assignments and handovers, newest first, live. Opening
 * one marks it read and goes to its record; "mark all read" clears the badge.
 */
import {
  AlertOutlined,
  BellOutlined,
  ClockCircleOutlined,
  SwapOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Empty, List, Segmented, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { markNotificationRead, type Notification, repKeys, useNotifications } from './api.ts';
import { formatAgo, loc } from './format.ts';
import { useNow } from './use-now.ts';
import './rep.css';

const ICONS: Record<string, React.ReactNode> = {
  reminder: <ClockCircleOutlined style={{ color: '#fa8c16' }} />,
  overdue: <AlertOutlined style={{ color: '#f5222d' }} />,
  escalation: <AlertOutlined style={{ color: '#f5222d' }} />,
  assigned: <UserAddOutlined style={{ color: '#1677ff' }} />,
  'handed-over': <SwapOutlined style={{ color: '#722ed1' }} />,
};

export function InboxPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const list = useNotifications();
  const { now } = useNow();
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const [marking, setMarking] = useState(false);

  const markRead = async (ids: string[]) => {
    await Promise.all(ids.map((id) => markNotificationRead(id)));
    await qc.invalidateQueries({ queryKey: repKeys.notifications });
  };
  const open = async (n: Notification) => {
    if (!n.readAt) {
      // optimistic: the badge drops at once
      qc.setQueryData<{ items: Notification[]; unread: number }>(repKeys.notifications, (old) =>
        old
          ? {
              unread: Math.max(0, old.unread - 1),
              items: old.items.map((x) => (x.id === n.id ? { ...x, readAt: Date.now() } : x)),
            }
          : old,
      );
      markRead(n.group?.ids ?? [n.id]).catch((e) => void message.error(errorMessage(e)));
    }
    // one handover of many records: they are all on the Next list now
    if (n.group) navigate('/next');
    else if (n.recordId) navigate(`/records/${n.recordId}`);
  };
  const items = (list.data?.items ?? []).filter((n) => filter === 'all' || !n.readAt);
  const unread =
    list.data?.items.filter((n) => !n.readAt).flatMap((n) => n.group?.ids ?? [n.id]) ?? [];

  return (
    <div className="page rep-page" data-testid="inbox-page">
      <div className="rep-head">
        <Typography.Title level={4} className="rep-title">
          {t('rep.inbox.title')}
        </Typography.Title>
        <Button
          size="small"
          disabled={!unread.length}
          loading={marking}
          data-testid="inbox-read-all"
          onClick={async () => {
            setMarking(true);
            try {
              await markRead(unread);
            } catch (e) {
              void message.error(errorMessage(e));
            } finally {
              setMarking(false);
            }
          }}
        >
          {t('rep.inbox.readAll')}
        </Button>
      </div>
      <Segmented
        block
        className="rep-scope"
        value={filter}
        onChange={(v) => setFilter(v === 'unread' ? 'unread' : 'all')}
        options={[
          { value: 'all', label: t('rep.inbox.all') },
          { value: 'unread', label: t('rep.inbox.unread', { count: list.data?.unread ?? 0 }) },
        ]}
      />
      {list.isPending ? (
        <Skeleton active paragraph={{ rows: 5 }} />
      ) : list.isError ? (
        <Empty description={errorMessage(list.error)} />
      ) : !items.length ? (
        <Empty description={t('rep.inbox.empty')} className="rep-empty" data-testid="inbox-empty" />
      ) : (
        <List
          className="rep-inbox"
          data-testid="inbox-list"
          dataSource={items}
          renderItem={(n) => (
            <List.Item
              key={n.id}
              className={n.readAt ? 'read' : 'unread'}
              data-testid="inbox-item"
              data-kind={n.kind}
              data-count={n.group?.count ?? 1}
              data-read={n.readAt ? 'true' : 'false'}
              onClick={() => void open(n)}
            >
              <List.Item.Meta
                avatar={
                  <Badge dot={!n.readAt} offset={[-2, 2]}>
                    <span className="rep-inbox-icon">{ICONS[n.kind] ?? <BellOutlined />}</span>
                  </Badge>
                }
                title={
                  <span className="rep-inbox-title">
                    <span>
                      {n.group
                        ? t('rep.inbox.groupTitle', { count: n.group.count })
                        : t(`rep.inbox.kinds.${n.kind}`, {
                            defaultValue: t('rep.inbox.kinds.other'),
                          })}
                    </span>
                    <Typography.Text type="secondary" className="rep-inbox-time">
                      {formatAgo(n.createdAt, now)}
                    </Typography.Text>
                  </span>
                }
                description={
                  n.group ? (
                    <GroupDescription group={n.group} />
                  ) : (
                    <>
                      {n.record && (
                        <span className="rep-inbox-who" data-testid="inbox-record">
                          {n.record.title || t('rep.untitled')}
                          {n.record.subtitle ? ` · ${n.record.subtitle}` : ''}
                        </span>
                      )}
                      <span data-testid="inbox-message">{loc(n.message)}</span>
                    </>
                  )
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

const NAMES_SHOWN = 5;

function GroupDescription({ group }: { group: NonNullable<Notification['group']> }) {
  const { t } = useTranslation();
  const names = group.records.map((r) => r?.title || t('rep.untitled'));
  const more = names.length - NAMES_SHOWN;
  return (
    <span className="rep-inbox-who" data-testid="inbox-group-records">
      {names.slice(0, NAMES_SHOWN).join('、')}
      {more > 0 ? t('rep.inbox.groupMore', { count: more }) : ''}
    </span>
  );
}
