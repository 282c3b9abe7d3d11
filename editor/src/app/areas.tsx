/**
 * The app's areas: one entry per top-level section, in nav order. An area owns its routes
 * (lazy-loaded so its code stays out of the first load) and says which roles see it.
 * To add an area (Next actions, Library, Dashboard…), replace its placeholder here.
 */
import {
  ApartmentOutlined,
  BookOutlined,
  CheckCircleOutlined,
  ContactsOutlined,
  DashboardOutlined,
  GlobalOutlined,
  ImportOutlined,
  ReadOutlined,
  SettingOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import type { Role } from '../shared/api/queries.ts';

export type Area = {
  key: string;
  /** Where the nav item points; also the prefix that marks it active. */
  path: string;
  /** i18n key of the nav label. */
  label: string;
  icon: ReactNode;
  /** Roles that see the area; everyone when absent. */
  roles?: readonly Role[];
  /** Also shown to reps when the workspace lets them import (its intake setting). */
  repsWhenImporting?: boolean;
  routes: RouteObject[];
};

export const areas: readonly Area[] = [
  {
    key: 'next',
    path: '/next',
    label: 'nav.next',
    icon: <ThunderboltOutlined />,
    routes: [
      {
        path: '/next',
        lazy: async () => ({ Component: (await import('../features/rep/next-page.tsx')).NextPage }),
      },
      {
        path: '/records/:recordId',
        lazy: async () => ({
          Component: (await import('../features/rep/record-page.tsx')).RecordPage,
        }),
      },
      {
        path: '/inbox',
        lazy: async () => ({
          Component: (await import('../features/rep/inbox-page.tsx')).InboxPage,
        }),
      },
    ],
  },
  {
    key: 'customers',
    path: '/customers',
    label: 'nav.customers',
    icon: <ContactsOutlined />,
    roles: ['admin', 'manager', 'rep'],
    routes: [
      {
        path: '/customers',
        lazy: async () => ({
          Component: (await import('../features/customers/customers-page.tsx')).CustomersPage,
        }),
      },
      {
        path: '/customers/duplicates',
        lazy: async () => ({
          Component: (await import('../features/customers/duplicates-page.tsx')).DuplicatesPage,
        }),
      },
      {
        path: '/customers/:customerId',
        lazy: async () => ({
          Component: (await import('../features/customers/customer-page.tsx')).CustomerPage,
        }),
      },
    ],
  },
  {
    key: 'closed',
    path: '/closed',
    label: 'nav.closed',
    icon: <CheckCircleOutlined />,
    roles: ['admin', 'manager', 'rep'],
    routes: [
      {
        path: '/closed',
        lazy: async () => ({
          Component: (await import('../features/rep/closed-page.tsx')).ClosedPage,
        }),
      },
    ],
  },
  {
    key: 'pool',
    path: '/pool',
    label: 'nav.pool',
    icon: <GlobalOutlined />,
    roles: ['admin', 'manager', 'rep'],
    routes: [
      {
        path: '/pool',
        lazy: async () => ({
          Component: (await import('../features/customers/pool-page.tsx')).PoolPage,
        }),
      },
    ],
  },
  {
    key: 'sops',
    path: '/sops',
    label: 'nav.sops',
    icon: <ApartmentOutlined />,
    roles: ['admin', 'manager', 'trainer'],
    routes: [
      {
        path: '/sops',
        lazy: async () => ({
          Component: (await import('../features/sops/sop-list-page.tsx')).SopListPage,
        }),
      },
      {
        path: '/sops/:sopId/edit',
        lazy: async () => ({
          Component: (await import('../features/sop-editor/editor-page.tsx')).EditorPage,
        }),
        // the editor fills the viewport; the layout drops its page padding
        handle: { fullBleed: true },
      },
    ],
  },
  {
    key: 'library',
    path: '/library',
    label: 'nav.library',
    icon: <BookOutlined />,
    routes: [
      {
        path: '/library',
        lazy: async () => ({
          Component: (await import('../features/library/library-page.tsx')).LibraryPage,
        }),
      },
      {
        path: '/library/templates/:id',
        lazy: async () => ({
          Component: (await import('../features/library/preview-page.tsx')).TemplatePreviewPage,
        }),
      },
      {
        path: '/library/sops/:id',
        lazy: async () => ({
          Component: (await import('../features/library/preview-page.tsx')).SopPreviewPage,
        }),
      },
    ],
  },
  {
    key: 'training',
    path: '/training',
    label: 'nav.training',
    icon: <ReadOutlined />,
    routes: [
      {
        path: '/training',
        lazy: async () => ({
          Component: (await import('../features/training/training-page.tsx')).TrainingPage,
        }),
      },
      {
        path: '/training/:assignmentId',
        lazy: async () => ({
          Component: (await import('../features/training/practice-page.tsx')).PracticePage,
        }),
      },
    ],
  },
  {
    key: 'dashboard',
    path: '/dashboard',
    label: 'nav.dashboard',
    icon: <DashboardOutlined />,
    roles: ['admin', 'manager'],
    routes: [
      {
        path: '/dashboard',
        lazy: async () => ({
          Component: (await import('../features/dashboard/dashboard-page.tsx')).DashboardPage,
        }),
      },
      {
        path: '/dashboard/map',
        lazy: async () => ({
          Component: (await import('../features/dashboard/map-page.tsx')).MapPage,
        }),
      },
    ],
  },
  {
    key: 'intake',
    path: '/intake',
    label: 'nav.intake',
    icon: <ImportOutlined />,
    roles: ['admin', 'manager'],
    repsWhenImporting: true,
    routes: [
      {
        path: '/intake',
        lazy: async () => ({
          Component: (await import('../features/intake/intake-page.tsx')).IntakePage,
        }),
      },
    ],
  },
  {
    key: 'admin',
    path: '/admin',
    label: 'nav.admin',
    icon: <SettingOutlined />,
    // managers see the teams they manage, to set their members' routing (admin-layout.tsx)
    roles: ['admin', 'manager'],
    routes: [
      {
        path: '/admin',
        lazy: async () => ({
          Component: (await import('../features/admin/admin-layout.tsx')).AdminIndex,
        }),
      },
      {
        path: '/admin/users',
        lazy: async () => ({
          Component: (await import('../features/admin/users-page.tsx')).UsersPage,
        }),
      },
      {
        path: '/admin/teams',
        lazy: async () => ({
          Component: (await import('../features/admin/teams-page.tsx')).TeamsPage,
        }),
      },
      {
        path: '/admin/teams/:teamId',
        lazy: async () => ({
          Component: (await import('../features/admin/team-page.tsx')).TeamPage,
        }),
      },
      {
        path: '/admin/tokens',
        lazy: async () => ({
          Component: (await import('../features/admin/tokens-page.tsx')).TokensPage,
        }),
      },
      {
        path: '/admin/webhooks',
        lazy: async () => ({
          Component: (await import('../features/admin/webhooks-page.tsx')).WebhooksPage,
        }),
      },
      {
        path: '/admin/channels',
        lazy: async () => ({
          Component: (await import('../features/admin/channels-page.tsx')).ChannelsPage,
        }),
      },
      {
        path: '/admin/rules',
        lazy: async () => ({
          Component: (await import('../features/admin/rules-page.tsx')).RulesPage,
        }),
      },
      {
        path: '/admin/audit',
        lazy: async () => ({
          Component: (await import('../features/admin/audit-page.tsx')).AuditPage,
        }),
      },
    ],
  },
];

/** What the workspace allows beyond roles (the shell reads it for reps only). */
export type AreaFlags = { repsMayImport?: boolean };

export function areasFor(role: Role | undefined, flags: AreaFlags = {}): Area[] {
  return areas.filter(
    (a) =>
      !a.roles ||
      (role !== undefined && a.roles.includes(role)) ||
      (role === 'rep' && a.repsWhenImporting === true && flags.repsMayImport === true),
  );
}
