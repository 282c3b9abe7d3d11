/**
 * /admin/webhooks: signed webhooks to ERPs, BI and the like — list, create (the secret is
 * shown once), edit events and on/off, rotate the secret, delete with confirmation, send a
 * test event, and the delivery log (webhook-log.tsx).
 */
import { ApiOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminList } from './admin-list.tsx';
import { CopyValue } from './copy-value.tsx';
import { WebhookLog } from './webhook-log.tsx';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useRotateWebhook,
  useTestWebhook,
  useUpdateWebhook,
  useWebhooks,
  WEBHOOK_EVENTS,
  type WebhookEndpoint,
  type WebhookEvent,
} from './webhooks-api.ts';

export function WebhooksPage() {
  return (
    <AdminLayout tab="webhooks" adminOnly>
      <WebhooksList />
    </AdminLayout>
  );
}

function WebhooksList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const hooks = useWebhooks();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhook();
  const test = useTestWebhook();
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<WebhookEndpoint | null>(null);
  const fail = (e: unknown) => void message.error(errorMessage(e));

  const columns: ColumnsType<WebhookEndpoint> = [
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
                setLogOf(e);
              }, fail)
            }
            data-testid={`webhook-test-${e.id}`}
          >
            {t('admin.webhooks.test')}
          </Button>
          <Button size="small" onClick={() => setLogOf(e)} data-testid={`webhook-log-${e.id}`}>
            {t('admin.webhooks.log')}
          </Button>
          <Button size="small" onClick={() => setEditing(e)} data-testid={`webhook-edit-${e.id}`}>
            {t('admin.webhooks.edit')}
          </Button>
          <Popconfirm
            title={t('admin.webhooks.rotateConfirm')}
            description={t('admin.webhooks.rotateBody')}
            okText={t('admin.webhooks.rotate')}
            cancelText={t('admin.cancel')}
            okButtonProps={testProps({}, 'webhook-rotate-ok')}
            onConfirm={() => rotate.mutateAsync(e.id).then((r) => setSecret(r.secret), fail)}
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

  return (
    <>
      <AdminList<WebhookEndpoint>
        hint={t('admin.webhooks.hint')}
        create={{
          label: t('admin.webhooks.create'),
          testId: 'webhook-create-open',
          onClick: () => setEditing('new'),
        }}
        query={hooks}
        what={t('admin.tabs.webhooks')}
        columns={columns}
        empty={{
          icon: <ApiOutlined className="admin-empty-icon" />,
          text: t('admin.webhooks.empty'),
        }}
        testId="webhooks-table"
      />
      <EndpointModal
        editing={editing}
        onClose={() => setEditing(null)}
        onCreated={(s) => {
          setEditing(null);
          setSecret(s);
        }}
      />
      <Modal
        open={secret !== null}
        destroyOnHidden
        title={t('admin.webhooks.secretTitle')}
        onCancel={() => setSecret(null)}
        footer={
          <Button type="primary" onClick={() => setSecret(null)} data-testid="webhook-secret-done">
            {t('admin.webhooks.secretDone')}
          </Button>
        }
      >
        <Typography.Paragraph>{t('admin.webhooks.secretOnce')}</Typography.Paragraph>
        {secret && <CopyValue value={secret} testid="webhook-secret" />}
      </Modal>
      <WebhookLog endpoint={logOf} onClose={() => setLogOf(null)} />
    </>
  );
}

type EndpointForm = { url: string; description: string; eventTypes: WebhookEvent[] };

function EndpointModal({
  editing,
  onClose,
  onCreated,
}: {
  editing: WebhookEndpoint | 'new' | null;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EndpointForm>();
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const [error, setError] = useState<string | null>(null);
  const isNew = editing === 'new';
  const initial: EndpointForm =
    editing && editing !== 'new'
      ? {
          url: editing.url,
          description: editing.description,
          eventTypes: editing.eventTypes.filter((e): e is WebhookEvent =>
            (WEBHOOK_EVENTS as readonly string[]).includes(e),
          ),
        }
      : { url: '', description: '', eventTypes: [] };
  const submit = (v: EndpointForm) => {
    setError(null);
    const body = { url: v.url.trim(), description: v.description.trim(), eventTypes: v.eventTypes };
    const done = isNew
      ? create.mutateAsync(body).then((r) => onCreated(r.secret))
      : editing
        ? update.mutateAsync({ id: editing.id, ...body }).then(onClose)
        : Promise.resolve();
    done.catch((e: unknown) => setError(errorMessage(e)));
  };
  return (
    <Modal
      open={editing !== null}
      destroyOnHidden
      title={isNew ? t('admin.webhooks.create') : t('admin.webhooks.edit')}
      onCancel={onClose}
      okText={isNew ? t('admin.webhooks.createOk') : t('admin.save')}
      cancelText={t('admin.cancel')}
      okButtonProps={testProps({ loading: create.isPending || update.isPending }, 'webhook-save')}
      onOk={() => form.submit()}
    >
      <Form<EndpointForm>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        preserve={false}
      >
        <Form.Item
          name="url"
          label={t('admin.webhooks.url')}
          rules={[{ required: true, type: 'url', message: t('admin.webhooks.urlRequired') }]}
          extra={t('admin.webhooks.urlHint')}
        >
          <Input placeholder="https://erp.example.com/hooks/closeloop" data-testid="webhook-url" />
        </Form.Item>
        <Form.Item name="description" label={t('admin.webhooks.description')}>
          <Input maxLength={500} data-testid="webhook-description" />
        </Form.Item>
        <Form.Item
          name="eventTypes"
          label={t('admin.webhooks.events')}
          extra={t('admin.webhooks.eventsHint')}
        >
          <Checkbox.Group
            options={WEBHOOK_EVENTS.map((e) => ({ value: e, label: e }))}
            className="admin-webhook-events"
          />
        </Form.Item>
        {error && (
          <Typography.Text type="danger" data-testid="webhook-error">
            {error}
          </Typography.Text>
        )}
      </Form>
    </Modal>
  );
}
