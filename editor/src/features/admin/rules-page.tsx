/**
 * /admin/rules: notification rules — which event (lead assigned, SLA breached, …) goes to which
 * chat channel or webhook, or stays in-app only; optionally only for one team or SOP, with the
 * record's owner or their manager @-mentioned. Edited in place, saved as one list.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Select, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe, useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import { AdminLayout } from './admin-layout.tsx';
import { useAdminTeams } from './api.ts';
import { useChannels } from './channels-api.ts';
import {
  CUSTOMER_EVENTS,
  RULE_EVENTS,
  RULE_TARGETS,
  type RuleEvent,
  type RuleInput,
  type RuleTarget,
  SYSTEM_EVENTS,
  useRules,
  useSaveRules,
} from './rules-api.ts';
import { useWebhooks } from './webhooks-api.ts';

type Row = RuleInput & { key: number };

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
  const teams = useAdminTeams();
  const sops = useSops();
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

  const columns: ColumnsType<Row> = [
    {
      title: t('admin.rules.event'),
      render: (_, r) => (
        <Select
          style={{ width: 150 }}
          value={r.event}
          data-testid="rule-event"
          onChange={(event) => setEvent(r, event)}
          options={events.map((e) => ({ value: e, label: t(`admin.rules.events.${e}`) }))}
        />
      ),
    },
    {
      title: t('admin.rules.target'),
      render: (_, r) => (
        <Space wrap>
          <Select
            style={{ width: 120 }}
            value={r.target}
            data-testid="rule-target"
            onChange={(v) => setTarget(r.key, v)}
            options={RULE_TARGETS.filter((k) => k !== 'in-app' || !SYSTEM_EVENTS.has(r.event)).map(
              (k) => ({ value: k, label: t(`admin.rules.targets.${k}`) }),
            )}
          />
          {r.target === 'channel' && (
            <Select
              style={{ width: 160 }}
              value={r.channelId}
              data-testid="rule-channel"
              placeholder={t('admin.rules.pickChannel')}
              onChange={(channelId) => patch(r.key, { channelId })}
              options={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          )}
          {r.target === 'webhook' && (
            <Select
              style={{ width: 200 }}
              value={r.webhookId}
              placeholder={t('admin.rules.pickWebhook')}
              onChange={(webhookId) => patch(r.key, { webhookId })}
              options={(webhooks.data ?? []).map((w) => ({ value: w.id, label: w.url }))}
            />
          )}
        </Space>
      ),
    },
    {
      title: t('admin.rules.scope'),
      render: (_, r) =>
        SYSTEM_EVENTS.has(r.event) ? (
          <Typography.Text type="secondary">{t('admin.rules.workspaceWide')}</Typography.Text>
        ) : (
          <Space wrap>
            <Select
              style={{ width: 130 }}
              allowClear
              value={r.teamId}
              placeholder={t('admin.rules.anyTeam')}
              onChange={(teamId) => patch(r.key, { teamId: teamId ?? null })}
              options={(teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name }))}
            />
            {!CUSTOMER_EVENTS.has(r.event) && (
              <Select
                style={{ width: 130 }}
                allowClear
                value={r.sopId}
                placeholder={t('admin.rules.anySop')}
                onChange={(sopId) => patch(r.key, { sopId: sopId ?? null })}
                options={(sops.data?.items ?? []).map((s) => ({
                  value: s.sopId,
                  label: loc(s.name, s.sopId),
                }))}
              />
            )}
          </Space>
        ),
    },
    {
      title: t('admin.rules.mention'),
      render: (_, r) =>
        SYSTEM_EVENTS.has(r.event) ? null : (
          <Space direction="vertical" size={0}>
            <Checkbox
              checked={r.mentionOwner}
              onChange={(e) => patch(r.key, { mentionOwner: e.target.checked })}
            >
              {t('admin.rules.mentionOwner')}
            </Checkbox>
            <Checkbox
              checked={r.mentionManager}
              onChange={(e) => patch(r.key, { mentionManager: e.target.checked })}
            >
              {t('admin.rules.mentionManager')}
            </Checkbox>
          </Space>
        ),
    },
    {
      title: t('admin.rules.enabled'),
      render: (_, r) => (
        <Switch
          size="small"
          checked={r.enabled}
          onChange={(enabled) => patch(r.key, { enabled })}
        />
      ),
    },
    {
      title: '',
      render: (_, r) => (
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('admin.rules.remove')}
          onClick={() => {
            setDirty(true);
            setRows((rs) => rs.filter((x) => x.key !== r.key));
          }}
        />
      ),
    },
  ];

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
