/**
 * Pool rules and duplicate policies: the workspace default (admins) and a per-team override
 * (admins: any team; managers: the teams they manage). A team without an override starts
 * from the default's values; saving stores its override.
 */
import {
  Alert,
  App,
  Button,
  Drawer,
  Form,
  Grid,
  InputNumber,
  Select,
  Skeleton,
  Switch,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useTeams } from '../../shared/api/directory.ts';
import { useMe } from '../../shared/api/queries.ts';
import { CHANNELS, POLICIES, type PoolRules, usePools, useUpdatePool } from './api.ts';

const NUMBERS = [
  'reclaimAfterIdleDays',
  'reclaimAfterNoDealDays',
  'warnDaysBefore',
  'protectionDays',
  'protectionExtendDays',
  'protectionMaxDays',
  'dailyClaimLimit',
  'holdingCap',
  'coolDownDays',
] as const;
const SWITCHES = ['excludeWonFromCap', 'maskPhones'] as const;

type Values = PoolRules & { policies: Record<string, string> };

export function PoolSettingsDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const pools = usePools();
  const teams = useTeams(open);
  const me = useMe().data;
  const save = useUpdatePool();
  const [form] = Form.useForm<Values>();
  const admin = me?.role === 'admin';
  // the pools this user may change: the default (admins) and the teams they manage
  const mayEdit = (teams.data ?? []).filter(
    (team) => admin || (me ? team.managerIds.includes(me.id) : false),
  );
  const choices = [
    ...(admin ? [{ value: 'default', label: t('customers.settings.default') }] : []),
    ...mayEdit.map((team) => ({
      value: `team:${team.id}`,
      label: t('customers.settings.team', { team: team.name }),
    })),
  ];
  const [poolId, setPoolId] = useState<string | null>(null);
  const chosen = poolId ?? choices[0]?.value ?? null;
  const fallback = pools.data?.items.find((p) => p.id === 'default');
  const stored = pools.data?.items.find((p) => p.id === chosen);
  const pool = stored ?? (chosen && fallback ? { ...fallback, id: chosen } : undefined);
  const inherited = !stored && chosen !== 'default';
  useEffect(() => {
    if (pool && open) form.setFieldsValue({ ...pool.rules, policies: pool.policies });
  }, [pool, open, form]);
  const submit = async () => {
    const { policies, ...rules } = await form.validateFields();
    if (!chosen) return;
    save.mutate(
      {
        id: chosen,
        rules,
        policies: Object.fromEntries(
          Object.entries(policies).filter((e): e is [string, (typeof POLICIES)[number]] =>
            (POLICIES as readonly string[]).includes(e[1]),
          ),
        ),
      },
      {
        onSuccess: () => {
          void message.success(t('customers.settings.saved'));
          onClose();
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );
  };
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('customers.settings.title')}
      placement={screens.md ? 'right' : 'bottom'}
      size={screens.md ? 440 : '92%'}
      footer={
        <Button type="primary" loading={save.isPending} onClick={() => void submit()} block>
          {t('customers.settings.save')}
        </Button>
      }
    >
      {choices.length > 1 && (
        <Select
          className="cust-pool-choice"
          value={chosen}
          onChange={setPoolId}
          options={choices}
          data-testid="pool-choice"
          style={{ width: '100%', marginBottom: 12 }}
        />
      )}
      {inherited && pool && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('customers.settings.inherited')}
        />
      )}
      {!pool ? (
        teams.isPending || pools.isPending ? (
          <Skeleton active />
        ) : (
          <Alert type="info" title={t('customers.settings.nothing')} />
        )
      ) : (
        <Form form={form} layout="vertical" data-testid="pool-settings-form">
          {NUMBERS.map((k) => (
            <Form.Item
              key={k}
              name={k}
              label={t(`customers.settings.${k}`)}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          ))}
          {SWITCHES.map((k) => (
            <Form.Item
              key={k}
              name={k}
              label={t(`customers.settings.${k}`)}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
          ))}
          {CHANNELS.map((ch) => (
            <Form.Item key={ch} name={['policies', ch]} label={t(`customers.channel.${ch}`)}>
              <Select
                options={POLICIES.map((p) => ({ value: p, label: t(`customers.policy.${p}`) }))}
              />
            </Form.Item>
          ))}
        </Form>
      )}
    </Drawer>
  );
}
