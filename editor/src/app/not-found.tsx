import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { errorMessage } from '../shared/api/client.ts';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}

/** Route error boundary: a thrown error or a failed lazy import. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  return (
    <Result
      status="error"
      title={t('app.error')}
      subTitle={errorMessage(error)}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('app.retry')}
        </Button>
      }
    />
  );
}
