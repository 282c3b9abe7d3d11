/** The notification rules table, edited in place: event, target, scope, mentions, on/off, remove. */
import { DeleteOutlined } from '@ant-design/icons';
import { Button, Checkbox, Select, Space, Switch, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import { useAdminTeams } from './api.ts';
import type { ChatChannel } from './channels-api.ts';
import {
  CUSTOMER_EVENTS,
  RULE_TARGETS,
  type RuleEvent,
  type RuleInput,
  type RuleTarget,
  SYSTEM_EVENTS,
} from './rules-api.ts';
import type { WebhookEndpoint } from './webhooks-api.ts';

/** A rule being edited; `key` tells rows apart before they have ids. */
export type Row = RuleInput & { key: number };

export function useRuleColumns({
  events,
  channels,
  webhooks,
  patch,
  setEvent,
  setTarget,
  remove,
}: {
  /** The events this user may pick. */
  events: RuleEvent[];
  channels: ChatChannel[];
  webhooks: WebhookEndpoint[];
  patch: (key: number, p: Partial<RuleInput>) => void;
  setEvent: (r: Row, event: RuleEvent) => void;
  setTarget: (key: number, target: RuleTarget) => void;
  remove: (key: number) => void;
}): ColumnsType<Row> {
  const { t } = useTranslation();
  const teams = useAdminTeams();
  const sops = useSops();
  return [
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
              options={channels.map((c) => ({ value: c.id, label: c.name }))}
            />
          )}
          {r.target === 'webhook' && (
            <Select
              style={{ width: 200 }}
              value={r.webhookId}
              placeholder={t('admin.rules.pickWebhook')}
              onChange={(webhookId) => patch(r.key, { webhookId })}
              options={webhooks.map((w) => ({ value: w.id, label: w.url }))}
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
          onClick={() => remove(r.key)}
        />
      ),
    },
  ];
}
