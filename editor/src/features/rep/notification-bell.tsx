/**
 * The header's bell: unread count, a link to the inbox, and the app's one live-update
 * subscription (so the badge, lists and record pages stay current on every page).
 * New reminders and escalations pop up as they arrive.
 */
import { BellOutlined } from '@ant-design/icons';
import { App, Badge, Button } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { loc } from '../../shared/loc.ts';
import { useNotifications } from './api.ts';
import { useLiveUpdates } from './live.ts';

export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  const list = useNotifications();
  // one toast at a time on a small screen: the latest notification, and how many more came
  const burst = useRef<{ count: number; timer: ReturnType<typeof setTimeout> | null }>({
    count: 0,
    timer: null,
  });
  useLiveUpdates(true, (n) => {
    const b = burst.current;
    b.count += 1;
    if (b.timer) clearTimeout(b.timer);
    b.timer = setTimeout(() => {
      b.count = 0;
    }, 6000);
    const more = b.count - 1;
    notification.open({
      key: 'live-notification',
      title: t(`rep.inbox.kinds.${n.kind}`, { defaultValue: t('rep.inbox.kinds.other') }),
      description: (
        <span data-testid="live-notification">
          {loc(n.message)}
          {more > 0 && (
            <span className="rep-toast-more">{t('rep.inbox.andMore', { count: more })}</span>
          )}
        </span>
      ),
      placement: 'top',
      duration: 6,
      onClick: () => {
        notification.destroy('live-notification');
        navigate(n.recordId ? `/records/${n.recordId}` : '/inbox');
      },
    });
  });
  const unread = list.data?.unread ?? 0;
  return (
    <Badge count={unread} size="small" offset={[-6, 6]} data-testid="notification-badge">
      <Button
        type="text"
        icon={<BellOutlined />}
        className="app-header-icon"
        aria-label={t('rep.inbox.title')}
        data-testid="notification-bell"
        data-unread={unread}
        onClick={() => navigate('/inbox')}
      />
    </Badge>
  );
}
