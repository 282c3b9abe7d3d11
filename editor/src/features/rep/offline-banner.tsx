/**
 * Shown when a write got no answer (offline, timeout, server error): the inputs are kept and
 * Retry sends the same request with the same Idempotency-Key, so it cannot apply twice.
 */
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CommandState } from './use-command.ts';

export function OfflineBanner({
  state,
  onRetry,
  onDismiss,
}: {
  state: CommandState;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  if (state.status === 'sending' && state.attempt > 1) {
    return (
      <Alert
        type="info"
        showIcon
        className="rep-banner"
        data-testid="command-retrying"
        title={t('rep.offline.retrying', { n: state.attempt })}
      />
    );
  }
  if (state.status !== 'offline') return null;
  return (
    <Alert
      type="warning"
      showIcon
      className="rep-banner"
      data-testid="command-offline"
      title={t('rep.offline.title')}
      description={t('rep.offline.body')}
      action={
        <div className="rep-banner-actions">
          <Button size="small" type="primary" onClick={onRetry} data-testid="command-retry">
            {t('rep.offline.retry')}
          </Button>
          <Button size="small" type="text" onClick={onDismiss} data-testid="command-dismiss">
            {t('rep.offline.later')}
          </Button>
        </div>
      }
    />
  );
}
