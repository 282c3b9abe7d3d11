/** The action form: id, label, target, roles, fields asked for, and the gate. */
import { DeleteOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { ActionMeta, LeafCondition, Role, TopLevelCondition } from '@closeloop/engine';
import { Button, Card, Checkbox, Form, Input, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ActionData, stageTitle } from '../../../shared/graph/sop-graph.ts';
import { useEditor, useEditorActions } from '../store.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { HandoffEditor } from './handoff-editor.tsx';
import { LocalizedInput } from './localized-input.tsx';
import { useVocabulary } from './vocabulary.ts';

const EVENT_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ROLES: Role[] = ['rep', 'manager', 'trainer', 'admin'];

function EventInput({ edgeId, value, source }: { edgeId: string; value: string; source: string }) {
  const { t } = useTranslation();
  const actions = useEditorActions();
  const taken = useEditor((s) =>
    s.edges
      .filter((e) => e.source === source && e.id !== edgeId)
      .map((e) => e.data?.event)
      .join('|'),
  );
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft === value) return setError(null);
    if (!EVENT_RE.test(draft)) return setError(t('action.eventHelp'));
    if (taken.split('|').includes(draft)) return setError(t('action.eventTaken'));
    setError(null);
    actions.updateAction(edgeId, (d) => ({ ...d, event: draft, order: 0 }));
  };
  return (
    <Form.Item
      label={t('action.event')}
      validateStatus={error ? 'error' : undefined}
      help={error ?? undefined}
    >
      <Input
        value={draft}
        onChange={(e) => setDraft(e.target.value.toUpperCase())}
        onBlur={commit}
        onPressEnter={commit}
        data-testid="action-event"
      />
    </Form.Item>
  );
}

/** Conditions that say "this field must be filled", as the shortcut writes them. */
export function requiredConditions(
  keys: string[],
  labelOf: (key: string) => { 'zh-CN': string; en: string },
): LeafCondition[] {
  return keys.map((key) => {
    const l = labelOf(key);
    return {
      fact: key,
      operator: 'isNotEmpty',
      value: true,
      message: { 'zh-CN': `请填写${l['zh-CN']}`, en: `${l.en} is required` },
    };
  });
}

/** Adds required-field leaves to a gate (creating it), skipping fields already required. */
export function addRequired(
  gate: TopLevelCondition | undefined,
  leaves: LeafCondition[],
): TopLevelCondition {
  const base: TopLevelCondition = gate ?? { all: [] };
  const list = 'all' in base ? base.all : base.any;
  const has = (k: string) =>
    list.some((c) => 'fact' in c && c.fact === k && c.operator === 'isNotEmpty');
  const fresh = leaves.filter((l) => !has(l.fact));
  if ('all' in base) return { ...base, all: [...base.all, ...fresh] };
  // an `any` gate: the required fields must hold in addition, so wrap it
  return { all: [...fresh, base] };
}

export function ActionPanel({
  edgeId,
  onDelete,
}: {
  edgeId: string;
  onDelete: (ids: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const actions = useEditorActions();
  const edge = useEditor((s) => s.edges.find((e) => e.id === edgeId));
  const nodes = useEditor((s) => s.nodes);
  const fields = useEditor((s) => s.meta.fields);
  const sopId = useEditor((s) => s.sopId);
  const [required, setRequired] = useState<string[]>([]);
  if (!edge?.data) return null;
  const data = edge.data;
  const meta: ActionMeta = data.meta ?? {};
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';

  const setMeta = (patch: Partial<ActionMeta>, tag?: string) =>
    actions.updateAction(
      edgeId,
      (d): ActionData => {
        const next: ActionMeta = { ...(d.meta ?? {}), ...patch };
        for (const k of Object.keys(patch) as Array<keyof ActionMeta>) {
          if (patch[k] === undefined) delete next[k];
        }
        const { meta: _m, ...rest } = d;
        return Object.keys(next).length ? { ...rest, meta: next } : rest;
      },
      tag ? `action:${edgeId}:${tag}` : undefined,
    );

  const labelOf = (key: string) =>
    fields.find((f) => f.key === key)?.label ?? { 'zh-CN': key, en: key };
  const source = nodes.find((n) => n.id === edge.source);
  const fieldOptions = fields.map((f) => ({ value: f.key, label: f.label[lang] || f.key }));

  return (
    <Form layout="vertical" size="small" className="panel-form" data-testid="action-panel">
      <div className="panel-head">
        <ThunderboltOutlined />
        <Typography.Text strong>
          {source ? stageTitle(source.data, i18n.language) : edge.source}
        </Typography.Text>
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          onClick={() => onDelete([edgeId])}
          data-testid="action-delete"
          style={{ marginLeft: 'auto' }}
        >
          {t('editor.delete')}
        </Button>
      </div>
      <Form.Item label={t('action.label')}>
        <LocalizedInput
          value={meta.label}
          onChange={(label) => setMeta({ label }, 'label')}
          testid="action-label"
        />
      </Form.Item>
      <Space wrap align="start">
        <EventInput edgeId={edgeId} value={data.event} source={edge.source} />
        <TargetSelect edgeId={edgeId} target={data.targetless ? '' : edge.target} />
      </Space>
      <Form.Item
        label={t('action.roles')}
        extra={meta.roles?.length ? undefined : t('action.allRoles')}
      >
        <Checkbox.Group
          value={meta.roles ?? []}
          onChange={(v) => setMeta({ roles: v.length ? (v as Role[]) : undefined })}
          options={ROLES.map((r) => ({ value: r, label: t(`app.roles.${r}`) }))}
          data-testid="action-roles"
        />
      </Form.Item>
      <Form.Item label={t('action.askFields')}>
        <Select
          mode="multiple"
          value={meta.fields ?? []}
          onChange={(v: string[]) => setMeta({ fields: v.length ? v : undefined })}
          options={fieldOptions}
          data-testid="action-fields"
        />
      </Form.Item>
      <RequiredShortcut
        value={required}
        onChange={setRequired}
        options={fieldOptions}
        onApply={() => {
          setMeta({ gate: addRequired(meta.gate, requiredConditions(required, labelOf)) });
          setRequired([]);
        }}
      />
      <GateField
        gate={meta.gate}
        onChange={(gate, tag) => setMeta({ gate }, tag)}
        firstFact={fields[0]?.key ?? '$owner'}
      />
      <HandoffEditor
        value={meta.handoff}
        onChange={(handoff) => setMeta({ handoff }, 'handoff')}
        sopId={sopId}
        fields={fields}
      />
    </Form>
  );
}

/** Where the action leads: a stage (two of one title told apart by their parent's) or nowhere. */
function TargetSelect({ edgeId, target }: { edgeId: string; target: string }) {
  const { t, i18n } = useTranslation();
  const actions = useEditorActions();
  const nodes = useEditor((s) => s.nodes);
  const titleCount = new Map<string, number>();
  for (const n of nodes) {
    const title = stageTitle(n.data, i18n.language);
    titleCount.set(title, (titleCount.get(title) ?? 0) + 1);
  }
  const sameTitle = new Set([...titleCount].filter(([, n]) => n > 1).map(([x]) => x));
  const parentTitle = (id: string | undefined, own: string) => {
    const parent = id ? nodes.find((n) => n.id === id) : undefined;
    return parent ? stageTitle(parent.data, i18n.language) : own;
  };
  return (
    <Form.Item label={t('action.target')}>
      <Select
        value={target}
        onChange={(next: string) => {
          if (next === '') actions.updateAction(edgeId, (d) => ({ ...d, targetless: true }));
          else actions.retarget(edgeId, next);
        }}
        options={[
          { value: '', label: t('action.targetless') },
          ...nodes.map((n) => ({
            value: n.id,
            // two stages of one title are told apart by their parent's title
            label: sameTitle.has(stageTitle(n.data, i18n.language))
              ? `${stageTitle(n.data, i18n.language)} · ${parentTitle(n.parentId, n.id)}`
              : stageTitle(n.data, i18n.language),
          })),
        ]}
        style={{ width: 200 }}
        showSearch={{ optionFilterProp: 'label' }}
        data-testid="action-target"
      />
    </Form.Item>
  );
}

type Option = { value: string; label: string };

/** Picks fields and adds "must be filled" conditions for them to the gate. */
function RequiredShortcut({
  value,
  onChange,
  options,
  onApply,
}: {
  value: string[];
  onChange: (keys: string[]) => void;
  options: Option[];
  onApply: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('action.requiredShortcut')} className="required-card">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('action.requiredShortcutHelp')}
      </Typography.Paragraph>
      <Space.Compact style={{ width: '100%' }}>
        <Select
          mode="multiple"
          value={value}
          onChange={onChange}
          options={options}
          style={{ flex: 1 }}
          data-testid="required-fields"
        />
        <Button
          type="primary"
          disabled={!value.length}
          data-testid="required-apply"
          onClick={onApply}
        >
          {t('action.requiredApply')}
        </Button>
      </Space.Compact>
    </Card>
  );
}

/** The gate's condition builder, or a button that starts one on `firstFact`. */
function GateField({
  gate,
  onChange,
  firstFact,
}: {
  gate: TopLevelCondition | undefined;
  onChange: (gate: TopLevelCondition | undefined, tag?: string) => void;
  firstFact: string;
}) {
  const { t } = useTranslation();
  const vocab = useVocabulary();
  return (
    <Form.Item label={t('action.gate')} style={{ marginTop: 12 }}>
      {gate ? (
        <>
          <ConditionBuilder
            value={gate}
            onChange={(g) => onChange(g, 'gate')}
            facts={vocab.facts}
            operators={vocab.operators}
            testid="gate"
          />
          <Button
            size="small"
            type="link"
            danger
            onClick={() => onChange(undefined)}
            data-testid="gate-remove"
          >
            {t('action.removeGate')}
          </Button>
        </>
      ) : (
        <Space orientation="vertical">
          <Typography.Text type="secondary">{t('action.gateEmpty')}</Typography.Text>
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="gate-add"
            onClick={() =>
              onChange({ all: [{ fact: firstFact, operator: 'isNotEmpty', value: true }] })
            }
          >
            {t('action.addGate')}
          </Button>
        </Space>
      )}
    </Form.Item>
  );
}
