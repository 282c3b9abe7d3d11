/** Who owns a record in a stage: the default assignment and conditional owner rules. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Assignment, OwnerPolicy } from '@closeloop/engine';
import { Button, Card, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ConditionBuilder } from './condition-builder.tsx';
import { toOptions, useTeams, useUsers } from './directory.ts';
import { useVocabulary } from './vocabulary.ts';

/** The directory's options, plus the stored id when the directory does not know it. */
function withCurrent(options: Array<{ value: string; label: string }>, current?: string) {
  return current && !options.some((o) => o.value === current)
    ? [...options, { value: current, label: current }]
    : options;
}

export function AssignmentEditor({
  value,
  onChange,
  testid,
}: {
  value: Assignment | undefined;
  onChange: (a: Assignment | undefined) => void;
  testid: string;
}) {
  const { t } = useTranslation();
  const teams = useTeams();
  const users = useUsers();
  const a = value ?? { team: '', strategy: 'round-robin' as const };
  return (
    <Space wrap size={4}>
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        value={a.team || undefined}
        options={withCurrent(toOptions(teams.data), a.team)}
        placeholder={t('stage.team')}
        onChange={(team: string) => onChange(team ? { ...a, team } : undefined)}
        style={{ width: 140 }}
        popupMatchSelectWidth={false}
        data-testid={`${testid}-team`}
      />
      <Select
        value={a.strategy}
        onChange={(strategy) => onChange({ ...a, strategy })}
        options={(['round-robin', 'least-loaded', 'weighted', 'named'] as const).map((s) => ({
          value: s,
          label: t(`stage.strategies.${s}`),
        }))}
        style={{ width: 130 }}
        data-testid={`${testid}-strategy`}
      />
      {a.strategy === 'named' && (
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={a.user || undefined}
          options={withCurrent(toOptions(users.data), a.user)}
          placeholder={t('stage.user')}
          onChange={(user: string) => onChange({ ...a, user })}
          style={{ width: 160 }}
          popupMatchSelectWidth={false}
          data-testid={`${testid}-user`}
        />
      )}
    </Space>
  );
}

export function OwnerEditor({
  value,
  onChange,
}: {
  value: OwnerPolicy | undefined;
  onChange: (o: OwnerPolicy | undefined) => void;
}) {
  const { t } = useTranslation();
  const vocab = useVocabulary();
  const policy: OwnerPolicy = value ?? { rules: [] };
  const set = (next: OwnerPolicy) =>
    onChange(!next.default && next.rules.length === 0 && !next.keepCurrent ? undefined : next);
  return (
    <div className="stack">
      <Typography.Text type="secondary">{t('stage.ownerDefault')}</Typography.Text>
      <AssignmentEditor
        value={policy.default}
        testid="owner-default"
        onChange={(a) => {
          const { default: _d, ...rest } = policy;
          set(a ? { ...rest, default: a } : rest);
        }}
      />
      <Space>
        <Switch
          size="small"
          checked={policy.keepCurrent === true}
          onChange={(keepCurrent) => set({ ...policy, keepCurrent })}
        />
        <Typography.Text>{t('stage.keepCurrent')}</Typography.Text>
      </Space>
      <Typography.Text type="secondary">{t('stage.ownerRules')}</Typography.Text>
      {policy.rules.map((rule, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rules have no ids
        <Card size="small" key={i} className="rule-card">
          <Typography.Text strong>{t('stage.when')}</Typography.Text>
          <ConditionBuilder
            value={rule.conditions}
            onChange={(conditions) =>
              set({
                ...policy,
                rules: policy.rules.map((r, j) => (j === i ? { ...r, conditions } : r)),
              })
            }
            facts={vocab.facts}
            operators={vocab.operators}
            testid={`owner-rule-${i}`}
          />
          <Typography.Text strong>{t('stage.assignTo')}</Typography.Text>
          <AssignmentEditor
            value={rule.assign}
            testid={`owner-rule-${i}-assign`}
            onChange={(assign) =>
              assign &&
              set({
                ...policy,
                rules: policy.rules.map((r, j) => (j === i ? { ...r, assign } : r)),
              })
            }
          />
          <Button
            size="small"
            danger
            type="text"
            icon={<DeleteOutlined />}
            onClick={() => set({ ...policy, rules: policy.rules.filter((_, j) => j !== i) })}
          />
        </Card>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        onClick={() =>
          set({
            ...policy,
            rules: [
              ...policy.rules,
              {
                conditions: { all: [] },
                assign: { team: policy.default?.team ?? 'sales', strategy: 'round-robin' },
              },
            ],
          })
        }
      >
        {t('stage.addOwnerRule')}
      </Button>
    </div>
  );
}
