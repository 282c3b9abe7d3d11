/** The admin pages' error banner: what failed, the server's reason, and a retry when the failure was a load. */
import { Alert, Button } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';

type Props = { title: ReactNode; error: unknown; onRetry?: () => void; testId?: string };

export function ErrorAlert({ title, error, onRetry, testId }: Props) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={errorMessage(error)}
      action={onRetry ? <Button onClick={onRetry}>{t('app.retry')}</Button> : undefined}
      className="admin-alert"
      data-testid={testId}
    />
  );
}
