/**
 * Providers and routes: antd (with its zh_CN/en locale following i18next), TanStack Query,
 * and the router built from the areas registry.
 */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { ApiError, errorMessage } from '../shared/api/client.ts';
import { useMe } from '../shared/api/queries.ts';
import { homeFor } from '../shared/home.ts';
import { PageSpinner } from '../shared/ui/page-spinner.tsx';
import { AppLayout } from './app-layout.tsx';
import { areas } from './areas.tsx';
import { LoginPage } from './login-page.tsx';
import { NotFound, RouteError } from './not-found.tsx';

type Notify = (text: string) => void;
/** Set by <ErrorBridge> so query errors outside React reach antd's message API. */
let notifyError: Notify = () => {};

function createQueryClient() {
  const report = (error: unknown) => {
    // 401 sends the user to sign in (the layout does it); no toast for that
    if (error instanceof ApiError && error.status === 401) return;
    notifyError(errorMessage(error));
  };
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.meta?.silent) return;
        report(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _v, _c, mutation) => {
        if (mutation.meta?.silent) return;
        report(error);
      },
    }),
    defaultOptions: {
      queries: { refetchOnWindowFocus: false, staleTime: 10_000 },
    },
  });
}

function ErrorBridge() {
  const { message } = AntApp.useApp();
  useEffect(() => {
    notifyError = (text) => void message.error(text);
  }, [message]);
  return null;
}

function Home() {
  const me = useMe();
  if (me.isPending) return <PageSpinner />;
  return <Navigate to={homeFor(me.data?.role)} replace />;
}

function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
    // the invitation link works signed out: /invite#<token> (as inviteUser makes it) or /invite/<token>
    ...['/invite', '/invite/:token'].map((path) => ({
      path,
      lazy: async () => ({
        Component: (await import('../features/admin/accept-invite-page.tsx')).AcceptInvitePage,
      }),
      errorElement: <RouteError />,
    })),
    {
      element: <AppLayout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Home /> },
        ...areas.flatMap((a) => a.routes.map((r) => ({ ...r, errorElement: <RouteError /> }))),
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}

export function App() {
  const { i18n } = useTranslation();
  const queryClient = useMemo(createQueryClient, []);
  const router = useMemo(createRouter, []);
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}
    >
      <AntApp>
        <ErrorBridge />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
