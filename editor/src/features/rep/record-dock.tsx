/** The dock that stays in sight while the rep scrolls: offline, a failed submit, unsaved changes. */
import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { OfflineBanner } from './offline-banner.tsx';
import type { Command } from './use-command.ts';

type Props = {
  cmd: Command;
  dirty: number;
  readOnly: boolean;
  busy: boolean;
  saving: boolean;
  onDiscard: () => void;
  onSave: () => void;
};

export function RecordDock({ cmd, dirty, readOnly, busy, saving, onDiscard, onSave }: Props) {
  const { t } = useTranslation();
  return (
    <div className="rep-dock">
      <OfflineBanner state={cmd.state} onRetry={() => void cmd.retry()} onDismiss={cmd.reset} />
      {cmd.state.status === 'error' && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: cmd.reset }}
          className="rep-banner"
          title={errorMessage(cmd.state.error)}
          data-testid="command-error"
        />
      )}
      {dirty > 0 && !readOnly && (
        <div className="rep-savebar" data-testid="save-bar">
          <span>{t('rep.record.unsaved', { count: dirty })}</span>
          <Space>
            <Button size="small" onClick={onDiscard} disabled={busy} data-testid="discard-draft">
              {t('rep.record.discard')}
            </Button>
            <Button
              size="small"
              type="primary"
              loading={saving}
              disabled={busy}
              onClick={onSave}
              data-testid="save-draft"
            >
              {t('rep.record.save')}
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
