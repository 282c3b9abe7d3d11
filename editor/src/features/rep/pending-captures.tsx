/**
 * Captures waiting on this device for the network, each marked pending until the server has
 * it. Sends them when the browser comes back online (and now and then while any wait); a
 * capture the server refused stays with the reason until the rep dismisses it.
 */
import { CloudUploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { repKeys } from './api.ts';
import { dropCapture, flushCaptures, useQueuedCaptures } from './capture-queue.ts';
import { loc } from './format.ts';

const RETRY_MS = 15_000;

export function PendingCaptures() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const queued = useQueuedCaptures();
  const waiting = queued.filter((c) => !c.error).length;

  useEffect(() => {
    const send = async () => {
      if (!navigator.onLine) return;
      const created = await flushCaptures();
      if (!created.length) return;
      void qc.invalidateQueries({ queryKey: repKeys.nextAll });
      void qc.invalidateQueries({ queryKey: repKeys.teamAll });
      void message.success(t('rep.capture.queueSent', { count: created.length }));
    };
    void send();
    window.addEventListener('online', send);
    const id = waiting ? setInterval(send, RETRY_MS) : undefined;
    return () => {
      window.removeEventListener('online', send);
      if (id) clearInterval(id);
    };
  }, [waiting, qc, message, t]);

  if (!queued.length) return null;
  return (
    <Alert
      type="info"
      showIcon
      icon={<CloudUploadOutlined />}
      className="rep-banner"
      data-testid="pending-captures"
      title={t('rep.capture.queueTitle', { count: waiting })}
      description={
        <ul className="rep-needs-list">
          {queued.map((c) => (
            <li key={c.key} data-testid="pending-capture" data-key={c.key}>
              <Typography.Text strong>{c.label}</Typography.Text>{' '}
              <Typography.Text type="secondary">{loc(c.sopName)}</Typography.Text>{' '}
              {c.error ? (
                <>
                  <Tag color="red">{t('rep.capture.queueRefused')}</Tag>
                  <Typography.Text type="danger">{c.error}</Typography.Text>{' '}
                  <Button size="small" type="link" onClick={() => void dropCapture(c.key)}>
                    {t('rep.capture.queueDismiss')}
                  </Button>
                </>
              ) : (
                <Tag color="gold" data-testid="pending-capture-tag">
                  {t('rep.capture.queuePending')}
                </Tag>
              )}
            </li>
          ))}
        </ul>
      }
    />
  );
}
