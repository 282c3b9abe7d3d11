/**
 * An action's handoff: the published SOP it starts for the same customer, who owns the new
 * record, and which of this SOP's fields fill which of the target's (only type-compatible
 * fields are offered; the server validates again at publish time).
 */
import { NodeExpandOutlined, PlusOutlined } from '@ant-design/icons';
import {
  canMapField,
  type FieldDef,
  type Handoff,
  type HandoffOwner,
  type SopDocument,
} from '@closeloop/engine';
import { Button, Card, Form, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../../../shared/api/directory.ts';
import { usePublishedSops, useTargetDoc } from '../handoff-targets.ts';

type Lang = 'zh-CN' | 'en';
type OwnerKind = 'same' | 'rule' | 'team';

const ownerKind = (o: HandoffOwner | undefined): OwnerKind =>
  o === 'same' ? 'same' : o === undefined || o === 'rule' ? 'rule' : 'team';

/** Target keys filled from a source field of the same key and a compatible type. */
export function matchByName(source: readonly FieldDef[], target: SopDocument): Handoff['fields'] {
  const out: NonNullable<Handoff['fields']> = {};
  for (const to of target.fields) {
    const from = source.find((f) => f.key === to.key);
    if (from && canMapField(from, to)) out[to.key] = from.key;
  }
  return out;
}

function MappingTable({
  value,
  onChange,
  source,
  target,
  lang,
}: {
  value: Handoff;
  onChange: (h: Handoff) => void;
  source: readonly FieldDef[];
  target: SopDocument;
  lang: Lang;
}) {
  const { t } = useTranslation();
  const mapping = value.fields ?? {};
  const setField = (key: string, from: string | undefined) => {
    const next = { ...mapping };
    if (from) next[key] = from;
    else delete next[key];
    onChange({ ...value, fields: next });
  };
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={target.fields}
      data-testid="handoff-mapping"
      columns={[
        {
          title: t('handoff.targetField', { sop: target.name[lang] }),
          render: (_: unknown, f: FieldDef) => f.label[lang] || f.key,
        },
        {
          title: t('handoff.sourceField'),
          render: (_: unknown, f: FieldDef) => {
            const current = mapping[f.key];
            if (current !== undefined && typeof current !== 'string')
              return (
                <Typography.Text type="secondary">
                  {t('handoff.fixed', { value: JSON.stringify(current.value) })}
                </Typography.Text>
              );
            return (
              <Select
                size="small"
                allowClear
                value={current}
                placeholder={t('handoff.notMapped')}
                onChange={(v: string | undefined) => setField(f.key, v)}
                options={source
                  .filter((s) => canMapField(s, f))
                  .map((s) => ({ value: s.key, label: s.label[lang] || s.key }))}
                style={{ width: '100%', minWidth: 120 }}
                data-testid={`handoff-map-${f.key}`}
              />
            );
          },
        },
      ]}
    />
  );
}

export function HandoffEditor({
  value,
  onChange,
  sopId,
  fields,
}: {
  value: Handoff | undefined;
  onChange: (h: Handoff | undefined) => void;
  /** The SOP being edited (never its own target). */
  sopId: string;
  fields: readonly FieldDef[];
}) {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const targets = usePublishedSops(sopId);
  const teams = useTeams();
  const chosen = targets.find((x) => x.sopId === value?.sopId);
  const doc = useTargetDoc(chosen);
  const kind = ownerKind(value?.owner);
  const setOwner = (k: OwnerKind, team?: string) => {
    if (!value) return;
    const owner: HandoffOwner =
      k === 'team' ? { team: team ?? teams.data?.[0]?.id ?? 'sales', strategy: 'round-robin' } : k;
    onChange({ ...value, owner });
  };
  return (
    <Card
      size="small"
      title={
        <Space>
          <NodeExpandOutlined />
          {t('handoff.title')}
        </Space>
      }
      className="required-card"
      style={{ marginTop: 12 }}
      data-testid="handoff-card"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('handoff.help')}
      </Typography.Paragraph>
      {!value ? (
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={targets.length === 0}
          onClick={() => {
            const first = targets[0];
            if (first) onChange({ sopId: first.sopId, fields: {}, owner: 'rule' });
          }}
          data-testid="handoff-add"
        >
          {targets.length ? t('handoff.add') : t('handoff.noTargets')}
        </Button>
      ) : (
        <>
          <Form.Item label={t('handoff.target')}>
            <Select
              value={value.sopId}
              onChange={(id: string) => onChange({ ...value, sopId: id, fields: {} })}
              options={[
                ...targets.map((x) => ({ value: x.sopId, label: x.name[lang] || x.sopId })),
                ...(chosen ? [] : [{ value: value.sopId, label: value.sopId }]),
              ]}
              data-testid="handoff-sop"
            />
          </Form.Item>
          <Form.Item label={t('handoff.owner')}>
            <Space wrap>
              <Select
                value={kind}
                onChange={(k: OwnerKind) => setOwner(k)}
                options={[
                  { value: 'rule', label: t('handoff.ownerRule') },
                  { value: 'same', label: t('handoff.ownerSame') },
                  { value: 'team', label: t('handoff.ownerTeam') },
                ]}
                style={{ width: 200 }}
                data-testid="handoff-owner"
              />
              {typeof value.owner === 'object' && (
                <Select
                  value={value.owner.team}
                  onChange={(team: string) => setOwner('team', team)}
                  options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name ?? x.id }))}
                  style={{ width: 140 }}
                  aria-label={t('handoff.team')}
                  data-testid="handoff-team"
                />
              )}
            </Space>
          </Form.Item>
          <Form.Item label={t('handoff.mapping')}>
            {doc ? (
              <>
                <MappingTable
                  value={value}
                  onChange={onChange}
                  source={fields}
                  target={doc}
                  lang={lang}
                />
                <Button
                  size="small"
                  type="link"
                  onClick={() => onChange({ ...value, fields: matchByName(fields, doc) })}
                  data-testid="handoff-auto"
                >
                  {t('handoff.auto')}
                </Button>
              </>
            ) : (
              <Typography.Text type="secondary">{t('handoff.loading')}</Typography.Text>
            )}
          </Form.Item>
          <Button size="small" danger type="link" onClick={() => onChange(undefined)}>
            {t('handoff.remove')}
          </Button>
        </>
      )}
    </Card>
  );
}
