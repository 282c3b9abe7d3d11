/**
 * /admin/rules: notification rules — which event (lead assigned, SLA breached, …) goes to which
 * chat channel or webhook, or stays in-app only; optionally only for one team or SOP, with the
 * record's owner or their manager @-mentioned. Edited in place, saved as one list.
 */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { AdminLayout } from './admin-layout.tsx';
import { useChannels } from './channels-api.ts';
import {
  CUSTOMER_EVENTS,
  RULE_EVENTS,
  type RuleEvent,
  type RuleInput,
  type RuleTarget,
  SYSTEM_EVENTS,
  useRules,
  useSaveRules,
} from './rules-api.ts';
import { type Row, useRuleColumns } from './rules-columns.tsx';
import { useWebhooks } from './webhooks-api.ts';

let nextKey = 1;
const withKey = (r: RuleInput): Row => ({ ...r, key: nextKey++ });

export function RulesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const rules = useRules();
  const save = useSaveRules();
  const channels = useChannels();
  const webhooks = useWebhooks();
  const [rows, setRows] = useState<Row[]>([]);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (rules.data && !dirty) {
      setRows(rules.data.map(({ id: _id, ...r }) => withKey(r)));
    }
  }, [rules.data, dirty]);

  const patch = (key: number, p: Partial<RuleInput>) => {
    setDirty(true);
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...p } : r)));
  };
  const add = () => {
    setDirty(true);
    const firstChannel = channels.data?.[0]?.id ?? null;
    setRows((rs) => [
      ...rs,
      withKey({
        event: 'sla.breached',
        target: firstChannel ? 'channel' : 'in-app',
        channelId: firstChannel,
        webhookId: null,
        teamId: null,
        sopId: null,
        mentionOwner: true,
        mentionManager: false,
        enabled: true,
        locale: me.data?.locale === 'en' ? 'en' : 'zh-CN',
      }),
    ]);
  };
  const onSave = async () => {
    try {
      await save.mutateAsync(rows.map(({ key: _key, ...r }) => r));
      setDirty(false);
      message.success(t('admin.rules.saved'));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const isAdmin = me.data?.role === 'admin';
  const events = RULE_EVENTS.filter((e) => isAdmin || !SYSTEM_EVENTS.has(e));
  /** A workspace event has no team or SOP, and admins hear of it in the app anyway. */
  const setEvent = (r: Row, event: RuleEvent) => {
    if (CUSTOMER_EVENTS.has(event)) return patch(r.key, { event, sopId: null });
    if (!SYSTEM_EVENTS.has(event)) return patch(r.key, { event });
    const target = r.target === 'in-app' ? (r.channelId ? 'channel' : 'webhook') : r.target;
    patch(r.key, {
      event,
      teamId: null,
      sopId: null,
      mentionOwner: false,
      mentionManager: false,
      target,
      channelId: target === 'channel' ? (r.channelId ?? channels.data?.[0]?.id ?? null) : null,
      webhookId: target === 'webhook' ? (r.webhookId ?? webhooks.data?.[0]?.id ?? null) : null,
    });
  };
  const setTarget = (key: number, target: RuleTarget) =>
    patch(key, {
      target,
      channelId: target === 'channel' ? (channels.data?.[0]?.id ?? null) : null,
      webhookId: target === 'webhook' ? (webhooks.data?.[0]?.id ?? null) : null,
    });

  const columns = useRuleColumns({
    events,
    channels: channels.data ?? [],
    webhooks: webhooks.data ?? [],
    patch,
    setEvent,
    setTarget,
    remove: (key) => {
      setDirty(true);
      setRows((rs) => rs.filter((x) => x.key !== key));
    },
  });

  return (
    <AdminLayout tab="rules">
      <Typography.Paragraph type="secondary">{t('admin.rules.hint')}</Typography.Paragraph>
      <Table
        rowKey="key"
        size="small"
        loading={rules.isPending}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('admin.rules.empty') }}
        data-testid="rule-table"
      />
      <Space style={{ marginTop: 12 }} wrap>
        <Button icon={<PlusOutlined />} onClick={add} data-testid="rule-add">
          {t('admin.rules.add')}
        </Button>
        <Button
          type="primary"
          onClick={onSave}
          loading={save.isPending}
          disabled={!dirty}
          data-testid="rule-save"
        >
          {t('admin.rules.save')}
        </Button>
      </Space>
    </AdminLayout>
  );
}
