/**
 * /admin/webhooks: signed webhooks to ERPs, BI and the like — list, create (the secret is
 * shown once), edit events and on/off, rotate the secret, delete with confirmation, send a
 * test event, and the delivery log (webhook-log.tsx).
 */
import { ApiOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { testProps } from '../../shared/test-props.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminList } from './admin-list.tsx';
import { CopyValue } from './copy-value.tsx';
import { useWebhookColumns } from './webhook-columns.tsx';
import { WebhookLog } from './webhook-log.tsx';
import {
  useCreateWebhook,
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
  const hooks = useWebhooks();
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<WebhookEndpoint | null>(null);
  const columns = useWebhookColumns({ onLog: setLogOf, onEdit: setEditing, onSecret: setSecret });

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
