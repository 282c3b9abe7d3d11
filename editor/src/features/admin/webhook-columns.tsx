/** The webhooks table: URL, events, on/off (and why it was switched off) and the actions. */
import { App, Button, Popconfirm, Space, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import {
  useDeleteWebhook,
  useRotateWebhook,
  useTestWebhook,
  useUpdateWebhook,
  type WebhookEndpoint,
} from './webhooks-api.ts';

/** Switching, testing, rotating and deleting happen here; a failure is a message. */
export function useWebhookColumns({
  onLog,
  onEdit,
  onSecret,
}: {
  /** Show the endpoint's delivery log (also after a test is queued). */
  onLog: (e: WebhookEndpoint) => void;
  onEdit: (e: WebhookEndpoint) => void;
  /** A rotated secret, to show once. */
  onSecret: (secret: string) => void;
}): ColumnsType<WebhookEndpoint> {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhook();
  const test = useTestWebhook();
  const fail = (e: unknown) => void message.error(errorMessage(e));

  return [
    {
      key: 'url',
      title: t('admin.webhooks.url'),
      render: (_, e) => (
        <div className="admin-webhook-url">
          <Typography.Text strong data-testid={`webhook-url-${e.id}`}>
            {e.url}
          </Typography.Text>
          {e.description && (
            <div>
              <Typography.Text type="secondary" className="admin-small">
                {e.description}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      key: 'events',
      title: t('admin.webhooks.events'),
      responsive: ['md'],
      render: (_, e) =>
        e.eventTypes.length ? (
          <Space size={[4, 4]} wrap>
            {e.eventTypes.map((ev) => (
              <Tag key={ev}>{ev}</Tag>
            ))}
          </Space>
        ) : (
          <Tag>{t('admin.webhooks.allEvents')}</Tag>
        ),
    },
    {
      key: 'on',
      title: t('admin.webhooks.enabled'),
      render: (_, e) => (
        <Space direction="vertical" size={2}>
          <Switch
            checked={e.enabled && e.disabledAt === null}
            onChange={(on) => update.mutateAsync({ id: e.id, enabled: on }).catch(fail)}
            data-testid={`webhook-enabled-${e.id}`}
          />
          {e.disabledReason && (
            <Typography.Text type="danger" className="admin-small">
              {t('admin.webhooks.disabledBy', { reason: e.disabledReason })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      key: 'actions',
      title: t('admin.users.actions'),
      render: (_, e) => (
        <Space size={[4, 4]} wrap>
          <Button
            size="small"
            onClick={() =>
              test.mutateAsync(e.id).then(() => {
                void message.success(t('admin.webhooks.testQueued'));
                onLog(e);
              }, fail)
            }
            data-testid={`webhook-test-${e.id}`}
          >
            {t('admin.webhooks.test')}
          </Button>
          <Button size="small" onClick={() => onLog(e)} data-testid={`webhook-log-${e.id}`}>
            {t('admin.webhooks.log')}
          </Button>
          <Button size="small" onClick={() => onEdit(e)} data-testid={`webhook-edit-${e.id}`}>
            {t('admin.webhooks.edit')}
          </Button>
          <Popconfirm
            title={t('admin.webhooks.rotateConfirm')}
            description={t('admin.webhooks.rotateBody')}
            okText={t('admin.webhooks.rotate')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({}, 'webhook-rotate-ok')}
            onConfirm={() => rotate.mutateAsync(e.id).then((r) => onSecret(r.secret), fail)}
          >
            <Button size="small" data-testid={`webhook-rotate-${e.id}`}>
              {t('admin.webhooks.rotate')}
            </Button>
          </Popconfirm>
          <Popconfirm
            title={t('admin.webhooks.deleteConfirm', { url: e.url })}
            description={t('admin.webhooks.deleteBody')}
            okText={t('admin.webhooks.delete')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({ danger: true }, 'webhook-delete-ok')}
            onConfirm={() => remove.mutateAsync(e.id).catch(fail)}
          >
            <Button size="small" danger data-testid={`webhook-delete-${e.id}`}>
              {t('admin.webhooks.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
}
