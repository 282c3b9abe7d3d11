/**
 * /admin/channels: 企业微信 / 钉钉 / 飞书 group robots — paste the webhook URL (and secret,
 * keyword), send a test message (the platform's answer is shown), switch on/off, see why
 * delivery disabled one, delete.
 */
import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { AdminLayout } from './admin-layout.tsx';
import {
  CHANNEL_KINDS,
  type ChannelKind,
  type ChatChannel,
  useChannels,
  useCreateChannel,
  useDeleteChannel,
  useSwitchChannel,
  useTestChannel,
} from './channels-api.ts';

type FormValues = {
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string;
  keyword?: string;
};

export function ChannelsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const channels = useChannels();
  const create = useCreateChannel();
  const toggle = useSwitchChannel();
  const remove = useDeleteChannel();
  const test = useTestChannel();
  const [form] = Form.useForm<FormValues>();

  const onAdd = async (v: FormValues) => {
    try {
      await create.mutateAsync({
        kind: v.kind,
        name: v.name,
        url: v.url,
        secret: v.secret || null,
        keyword: v.keyword || null,
      });
      form.resetFields();
      message.success(t('admin.channels.added'));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const onTest = async (id: string) => {
    try {
      const r = await test.mutateAsync(id);
      if (r.outcome === 'delivered') message.success(t('admin.channels.testOk'));
      else message.error(t('admin.channels.testFailed', { detail: r.reason ?? r.excerpt }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: ColumnsType<ChatChannel> = [
    { title: t('admin.channels.name'), dataIndex: 'name' },
    {
      title: t('admin.channels.kind'),
      dataIndex: 'kind',
      render: (k: ChannelKind) => t(`admin.channels.kinds.${k}`),
    },
    {
      title: t('admin.channels.status'),
      render: (_, c) =>
        c.disabledReason ? (
          <Tag color="red" title={c.disabledReason}>
            {t('admin.channels.disabled')}
          </Tag>
        ) : c.enabled ? (
          <Tag color="green">{t('admin.channels.on')}</Tag>
        ) : (
          <Tag>{t('admin.channels.off')}</Tag>
        ),
    },
    { title: t('admin.channels.waiting'), dataIndex: 'waiting' },
    {
      title: '',
      render: (_, c) => (
        <Space wrap>
          <Button size="small" onClick={() => onTest(c.id)} data-testid={`channel-test-${c.id}`}>
            {t('admin.channels.test')}
          </Button>
          <Switch
            size="small"
            checked={c.enabled && !c.disabledReason}
            onChange={(on) => toggle.mutate({ id: c.id, enabled: on })}
          />
          <Popconfirm
            title={t('admin.channels.deleteConfirm')}
            onConfirm={() => remove.mutate(c.id)}
          >
            <Button size="small" danger>
              {t('admin.channels.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <AdminLayout tab="channels">
      <Typography.Paragraph type="secondary">{t('admin.channels.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={onAdd}
        initialValues={{ kind: 'dingtalk' }}
        data-testid="channel-form"
      >
        <Space wrap align="end">
          <Form.Item name="kind" label={t('admin.channels.kind')}>
            <Select
              style={{ width: 140 }}
              options={CHANNEL_KINDS.map((k) => ({
                value: k,
                label: t(`admin.channels.kinds.${k}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('admin.channels.name')} rules={[{ required: true }]}>
            <Input style={{ width: 160 }} data-testid="channel-name" />
          </Form.Item>
          <Form.Item name="url" label={t('admin.channels.url')} rules={[{ required: true }]}>
            <Input style={{ width: 300 }} data-testid="channel-url" />
          </Form.Item>
          <Form.Item name="secret" label={t('admin.channels.secret')}>
            <Input.Password style={{ width: 180 }} data-testid="channel-secret" />
          </Form.Item>
          <Form.Item name="keyword" label={t('admin.channels.keyword')}>
            <Input style={{ width: 120 }} data-testid="channel-keyword" />
          </Form.Item>
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<PlusOutlined />}
              loading={create.isPending}
            >
              {t('admin.channels.add')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
      <Table
        rowKey="id"
        size="small"
        loading={channels.isPending}
        dataSource={channels.data ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: true }}
        data-testid="channel-table"
      />
    </AdminLayout>
  );
}
