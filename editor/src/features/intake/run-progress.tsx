/**
 * A running import's progress bar, fed live by the SSE stream; cancel (after the batch in
 * flight: what is done stays done, and the page says how much) and, once finished, the
 * counts and the error report.
 */
import { DownloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Progress, Statistic } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { errorReportUrl, type Import, useCancelImport, useImportProgress } from './api.ts';

export function RunProgress({ imp, onClose }: { imp: Import; onClose?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const p = useImportProgress(imp) ?? imp;
  const cancel = useCancelImport();
  const [kept, setKept] = useState<number | null>(null);
  const live = p.status === 'running' || p.status === 'cancelling';
  const percent = p.total ? Math.floor((p.processed / p.total) * 100) : live ? 0 : 100;
  const doCancel = async () => {
    try {
      const r = await cancel.mutateAsync(imp.id);
      setKept(r.processed);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Card size="small" className="intake-wizard" data-testid="import-progress-card">
      <div data-testid="import-progress" data-percent={percent} data-status={p.status}>
        <Progress
          percent={percent}
          status={p.status === 'failed' ? 'exception' : live ? 'active' : 'success'}
        />
      </div>
      <div className="intake-counts">
        <Statistic
          title={t('intake.run.processed')}
          value={`${p.processed} / ${p.total}`}
          data-testid="import-processed"
        />
        <Statistic title={t('intake.run.created')} value={p.created} />
        <Statistic title={t('intake.run.attached')} value={p.attached} />
        <Statistic title={t('intake.run.duplicates')} value={p.duplicates} />
        <Statistic title={t('intake.run.failed')} value={p.failed} data-testid="import-failed" />
      </div>
      {kept !== null && (
        <Alert
          type="warning"
          showIcon
          title={t('intake.run.cancelKept', {
            processed: live ? kept : p.processed,
            created: p.created,
          })}
          data-testid="import-cancel-kept"
        />
      )}
      {!live && p.status === 'done' && kept === null && (
        <Alert
          type="success"
          showIcon
          title={t('intake.run.done', { created: p.created, attached: p.attached })}
          data-testid="import-done"
        />
      )}
      {p.status === 'failed' && <Alert type="error" showIcon title={t('intake.run.failedRun')} />}
      <div className="intake-actions">
        {live && (
          <Popconfirm
            title={t('intake.run.cancelConfirm')}
            onConfirm={doCancel}
            okText={t('intake.run.cancel')}
            cancelText={t('intake.back')}
          >
            <Button
              danger
              icon={<StopOutlined />}
              loading={cancel.isPending || p.status === 'cancelling'}
              data-testid="import-cancel"
            >
              {t('intake.run.cancel')}
            </Button>
          </Popconfirm>
        )}
        {!live && p.failed > 0 && (
          <Button
            icon={<DownloadOutlined />}
            href={errorReportUrl(imp.id)}
            download
            data-testid="import-error-report"
          >
            {t('intake.imports.errorReport')}
          </Button>
        )}
        {onClose && !live && (
          <Button type="primary" onClick={onClose} data-testid="import-close">
            {t('intake.close')}
          </Button>
        )}
      </div>
    </Card>
  );
}
