/**
 * The signed-in frame: top nav built from `areas`, language switch, user menu, and the
 * area's page below. On a phone the nav moves into a drawer.
 */
import { LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Typography } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useMatches, useNavigate } from 'react-router';
import { NotificationBell } from '../features/rep/notification-bell.tsx';
import { useIntakeSettings } from '../shared/api/intake.ts';
import { useLogout, useMe } from '../shared/api/queries.ts';
import { hasStoredLocale, setLocale } from '../shared/i18n/index.ts';
import { LanguageSwitch } from '../shared/ui/language-switch.tsx';
import { PageSpinner } from '../shared/ui/page-spinner.tsx';
import { areasFor } from './areas.tsx';

export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  const matches = useMatches();
  const fullBleed = matches.some(
    (m) => typeof m.handle === 'object' && m.handle !== null && 'fullBleed' in m.handle,
  );

  const user = me.data;
  // reps see the intake page only where the workspace lets them import
  const intake = useIntakeSettings(user?.role === 'rep');
  useEffect(() => {
    // the account's language applies until the user picks one on this device
    if (user?.locale && !hasStoredLocale() && (user.locale === 'en' || user.locale === 'zh-CN')) {
      setLocale(user.locale, false);
    }
  }, [user?.locale]);

  if (me.isPending) return <PageSpinner />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }

  const items = areasFor(user.role, { repsMayImport: intake.data?.repsMayImport === true }).map(
    (a) => ({
      key: a.path,
      icon: a.icon,
      label: (
        <Link to={a.path} data-testid={`nav-${a.key}`} onClick={() => setDrawer(false)}>
          {t(a.label)}
        </Link>
      ),
    }),
  );
  const active = items.filter((i) => location.pathname.startsWith(i.key)).map((i) => i.key);
  const phone = !screens.md;
  // a laptop header holds ten areas as words alone; icons come back on wide screens
  const headerItems = screens.xxl ? items : items.map(({ icon: _icon, ...item }) => item);

  return (
    <Layout className="app-layout">
      <Layout.Header className="app-header">
        {phone && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label={t('app.menu')}
            data-testid="nav-drawer-toggle"
            onClick={() => setDrawer(true)}
            className="app-header-icon"
          />
        )}
        <Link to="/" className="app-brand">
          {t('app.name')}
        </Link>
        {!phone && (
          <Menu
            mode="horizontal"
            theme="dark"
            selectedKeys={active}
            items={headerItems}
            className="app-nav"
            // what does not fit folds into "…"; the header never wraps onto a second line
            data-testid="app-nav"
          />
        )}
        <div className="app-header-right">
          <NotificationBell />
          <LanguageSwitch />
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                {
                  key: 'who',
                  disabled: true,
                  label: `${user.email} · ${t(`app.roles.${user.role}`)}`,
                },
                { type: 'divider' },
                {
                  key: 'logout',
                  icon: <LogoutOutlined />,
                  label: <span data-testid="sign-out">{t('app.signOut')}</span>,
                  onClick: () => logout.mutate(undefined, { onSettled: () => navigate('/login') }),
                },
              ],
            }}
          >
            <Button
              type="text"
              icon={<UserOutlined />}
              className="app-header-icon"
              data-testid="user-menu"
            >
              {!phone && <Typography.Text className="app-user">{user.name}</Typography.Text>}
            </Button>
          </Dropdown>
        </div>
      </Layout.Header>
      <Drawer
        placement="left"
        open={drawer}
        onClose={() => setDrawer(false)}
        title={t('app.name')}
        size={260}
      >
        <Menu mode="inline" selectedKeys={active} items={items} data-testid="app-nav-drawer" />
      </Drawer>
      <Layout.Content className={fullBleed ? 'app-content full-bleed' : 'app-content'}>
        <Suspense fallback={<PageSpinner />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
