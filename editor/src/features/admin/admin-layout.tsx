/**
 * The admin area's frame: a title and tabs (users, teams, API tokens, webhooks, audit log). An admin
 * sees every tab; a manager sees only the teams they manage (to set their members' routing:
 * weight, cap, leave, shift — what the server lets a team's manager change).
 */
import { Result, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { useMe } from '../../shared/api/queries.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import './admin.css';

export type AdminTab = 'users' | 'teams' | 'tokens' | 'webhooks' | 'channels' | 'rules' | 'audit';

const ADMIN_TABS: AdminTab[] = [
  'users',
  'teams',
  'tokens',
  'webhooks',
  'channels',
  'rules',
  'audit',
];

export function AdminLayout({
  tab,
  adminOnly = false,
  children,
}: {
  tab: AdminTab;
  /** Managers are refused (the users, tokens and audit pages). */
  adminOnly?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  if (me.isPending) return <PageSpinner />;
  const role = me.data?.role;
  const isAdmin = role === 'admin';
  const allowed = isAdmin || (role === 'manager' && !adminOnly);
  const tabs = isAdmin ? ADMIN_TABS : (['teams'] as AdminTab[]);
  return (
    <div className="page admin-page" data-testid={`admin-${tab}-page`}>
      <div className="page-head">
        <div>
          <Typography.Title level={2}>{t('admin.title')}</Typography.Title>
          <Typography.Text type="secondary">
            {isAdmin ? t('admin.subtitle') : t('admin.subtitleManager')}
          </Typography.Text>
        </div>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(`/admin/${k}`)}
        items={tabs.map((k) => ({
          key: k,
          label: <span data-testid={`admin-tab-${k}`}>{t(`admin.tabs.${k}`)}</span>,
        }))}
      />
      {allowed ? (
        children
      ) : (
        <Result status="403" title={t('admin.adminOnly')} data-testid="admin-forbidden" />
      )}
    </div>
  );
}

/** /admin: the first tab the caller may use. */
export function AdminIndex() {
  const me = useMe();
  if (me.isPending) return <PageSpinner />;
  return <Navigate to={me.data?.role === 'admin' ? '/admin/users' : '/admin/teams'} replace />;
}
