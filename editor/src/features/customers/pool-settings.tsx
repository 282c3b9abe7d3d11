/** Pool rules and duplicate policies of the workspace default, for managers and admins. */
import { App, Button, Drawer, Form, Grid, InputNumber, Select, Skeleton, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
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
  const save = useUpdatePool();
  const [form] = Form.useForm<Values>();
  const pool = pools.data?.items.find((p) => p.id === 'default');
  useEffect(() => {
    if (pool && open) form.setFieldsValue({ ...pool.rules, policies: pool.policies });
  }, [pool, open, form]);
  const submit = async () => {
    const { policies, ...rules } = await form.validateFields();
    save.mutate(
      {
        id: 'default',
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
      {!pool ? (
        <Skeleton active />
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
