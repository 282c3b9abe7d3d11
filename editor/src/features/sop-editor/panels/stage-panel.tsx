/** The stage form: everything in `meta.stage`, the kind, the id and the start marker. */
import { DeleteOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type {
  Assignment,
  EscalationKind,
  EscalationRung,
  OwnerPolicy,
  Sla,
  StageMeta,
} from '@closeloop/engine';
import {
  AutoComplete,
  Button,
  Card,
  Collapse,
  Form,
  Input,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { childrenOf, type StageData, type StageKind } from '../../../shared/graph/sop-graph.ts';
import { initialIds, useEditor, useEditorActions } from '../store.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { toOptions, useTeams, useUsers } from './directory.ts';
import { DurationInput } from './duration-input.tsx';
import { LocalizedInput } from './localized-input.tsx';
import { useVocabulary } from './vocabulary.ts';

const KEY_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

function KeyInput({ id, value }: { id: string; value: string }) {
  const { t } = useTranslation();
  const actions = useEditorActions();
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft === value) return setError(null);
    if (!KEY_RE.test(draft)) return setError(t('stage.keyHelp'));
    if (actions.renameStage(id, draft) === false) return setError(t('stage.keyTaken'));
    setError(null);
  };
  return (
    <Form.Item
      label={t('stage.key')}
      validateStatus={error ? 'error' : undefined}
      help={error ?? undefined}
    >
      <Input
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onPressEnter={commit}
        data-testid="stage-key"
      />
    </Form.Item>
  );
}

function AssignmentEditor({
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
      <AutoComplete
        value={a.team}
        options={toOptions(teams.data)}
        placeholder={t('stage.team')}
        onChange={(team: string) => onChange(team ? { ...a, team } : undefined)}
        style={{ width: 140 }}
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
        <AutoComplete
          value={a.user ?? ''}
          options={toOptions(users.data)}
          placeholder={t('stage.user')}
          onChange={(user: string) => onChange({ ...a, user })}
          style={{ width: 160 }}
        />
      )}
    </Space>
  );
}

function OwnerEditor({
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

function SlaEditor({
  id,
  value,
  onChange,
}: {
  id: string;
  value: Sla | undefined;
  onChange: (s: Sla | undefined) => void;
}) {
  const { t } = useTranslation();
  const fields = useEditor((s) => s.meta.fields);
  const events = useEditor((s) =>
    [...new Set(s.edges.filter((e) => e.source === id).map((e) => e.data?.event ?? ''))].join('|'),
  );
  const users = useUsers();
  if (!value) {
    return (
      <Space>
        <Switch
          size="small"
          checked={false}
          data-testid="sla-enable"
          onChange={() => onChange({ duration: 'PT4H', clock: 'working', escalations: [] })}
        />
        <Typography.Text>{t('stage.slaEnabled')}</Typography.Text>
      </Space>
    );
  }
  const setRung = (i: number, rung: EscalationRung) =>
    onChange({ ...value, escalations: value.escalations.map((r, j) => (j === i ? rung : r)) });
  const dateFields = fields.filter((f) => f.type === 'date' || f.type === 'datetime');
  return (
    <div className="stack">
      <Space>
        <Switch
          size="small"
          checked
          data-testid="sla-enable"
          onChange={() => onChange(undefined)}
        />
        <Typography.Text>{t('stage.slaEnabled')}</Typography.Text>
      </Space>
      <Space wrap>
        <DurationInput
          value={value.duration}
          onChange={(duration) => onChange({ ...value, duration })}
          testid="sla-duration"
        />
        <Select
          value={value.clock}
          onChange={(clock) => onChange({ ...value, clock })}
          options={(['working', 'wall'] as const).map((c) => ({
            value: c,
            label: t(`stage.clocks.${c}`),
          }))}
          style={{ width: 120 }}
          data-testid="sla-clock"
        />
      </Space>
      {dateFields.length > 0 && (
        <Form.Item label={t('stage.dueField')} style={{ marginBottom: 0 }}>
          <Select
            allowClear
            value={value.dueField}
            onChange={(dueField?: string) => {
              const { dueField: _d, ...rest } = value;
              onChange(dueField ? { ...rest, dueField } : rest);
            }}
            options={dateFields.map((f) => ({ value: f.key, label: f.label['zh-CN'] || f.key }))}
          />
        </Form.Item>
      )}
      <Typography.Text type="secondary">{t('stage.escalations')}</Typography.Text>
      {value.escalations.map((rung, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rungs have no ids
        <div className="rung" key={i} data-testid={`rung-${i}`}>
          <Tag>{i + 1}</Tag>
          <Space wrap size={4}>
            <Typography.Text type="secondary">{t('stage.after')}</Typography.Text>
            <DurationInput
              value={rung.after}
              onChange={(after) => setRung(i, { ...rung, after })}
              testid={`rung-${i}-after`}
            />
            <Select<EscalationKind>
              value={rung.kind}
              onChange={(kind) => setRung(i, { after: rung.after, kind })}
              options={(['remind-owner', 'notify-manager', 'reassign', 'move'] as const).map(
                (k) => ({
                  value: k,
                  label: t(`stage.rungKinds.${k}`),
                }),
              )}
              style={{ width: 130 }}
              data-testid={`rung-${i}-kind`}
            />
            {rung.kind === 'move' && (
              <Select
                value={rung.action}
                placeholder={t('stage.moveAction')}
                onChange={(action: string) => setRung(i, { ...rung, action })}
                options={events
                  .split('|')
                  .filter(Boolean)
                  .map((e) => ({ value: e, label: e }))}
                style={{ width: 140 }}
              />
            )}
            {rung.kind === 'reassign' && (
              <AssignmentEditor
                value={rung.assign}
                testid={`rung-${i}-assign`}
                onChange={(assign) => {
                  const { assign: _a, ...rest } = rung;
                  setRung(i, assign ? { ...rest, assign } : rest);
                }}
              />
            )}
            {rung.kind === 'notify-manager' && (
              <Select
                mode="tags"
                value={rung.notify ?? []}
                placeholder={t('stage.notify')}
                onChange={(notify: string[]) => setRung(i, { ...rung, notify })}
                options={toOptions(users.data)}
                style={{ minWidth: 160 }}
              />
            )}
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('editor.delete')}
              onClick={() =>
                onChange({ ...value, escalations: value.escalations.filter((_, j) => j !== i) })
              }
            />
          </Space>
        </div>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid="rung-add"
        disabled={value.escalations.length >= 10}
        onClick={() => {
          const kinds: EscalationKind[] = ['remind-owner', 'notify-manager', 'reassign'];
          const kind =
            kinds[Math.min(value.escalations.length, kinds.length - 1)] ?? 'remind-owner';
          onChange({
            ...value,
            escalations: [...value.escalations, { after: value.duration, kind }],
          });
        }}
      >
        {t('stage.addRung')}
      </Button>
    </div>
  );
}

function ChecklistEditor({
  value,
  onChange,
}: {
  value: StageMeta['checklist'];
  onChange: (c: StageMeta['checklist']) => void;
}) {
  const { t } = useTranslation();
  const list = value ?? [];
  return (
    <div className="stack">
      {list.map((item, i) => (
        <div key={item.id} className="checklist-row" data-testid={`checklist-${i}`}>
          <LocalizedInput
            value={item.label}
            onChange={(label) =>
              onChange(
                list.map((x, j) =>
                  j === i ? { ...x, label: label ?? { 'zh-CN': '', en: '' } } : x,
                ),
              )
            }
            testid={`checklist-${i}`}
          />
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('editor.delete')}
            onClick={() => {
              const next = list.filter((_, j) => j !== i);
              onChange(next.length ? next : undefined);
            }}
          />
        </div>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid="checklist-add"
        onClick={() => {
          let n = list.length + 1;
          while (list.some((x) => x.id === `item${n}`)) n++;
          onChange([...list, { id: `item${n}`, label: { 'zh-CN': '', en: '' } }]);
        }}
      >
        {t('stage.addChecklist')}
      </Button>
    </div>
  );
}

const EMPTY_TITLE = { 'zh-CN': '', en: '' };

export function StagePanel({ id, onDelete }: { id: string; onDelete: (ids: string[]) => void }) {
  const { t, i18n } = useTranslation();
  const actions = useEditorActions();
  const node = useEditor((s) => s.nodes.find((n) => n.id === id));
  const isInitial = useEditor((s) => initialIds(s).has(id));
  const records = useEditor((s) =>
    Object.entries(s.recordCounts).reduce(
      (sum, [stage, n]) => (stage === id || stage.startsWith(`${id}.`) ? sum + n : sum),
      0,
    ),
  );
  const fields = useEditor((s) => s.meta.fields);
  const childKeys = useEditor((s) =>
    childrenOf(s.nodes, id)
      .map((n) => n.data.key)
      .join('|'),
  );
  const hasChildren = childKeys.length > 0;
  if (!node) return null;
  const data = node.data;
  const stage: StageMeta = data.stage ?? { title: { 'zh-CN': data.key, en: data.key } };
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';

  const setStage = (patch: Partial<StageMeta>, tag?: string) =>
    actions.updateStage(
      id,
      (d): StageData => {
        const next: StageMeta = {
          ...(d.stage ?? { title: { 'zh-CN': d.key, en: d.key } }),
          ...patch,
        };
        for (const k of Object.keys(patch) as Array<keyof StageMeta>) {
          if (patch[k] === undefined) delete next[k];
        }
        return { ...d, stage: next };
      },
      tag ? `stage:${id}:${tag}` : undefined,
    );

  const kinds: StageKind[] = hasChildren
    ? ['compound', 'parallel']
    : ['stage', 'final', 'compound', 'parallel', 'history'];

  return (
    <Form layout="vertical" size="small" className="panel-form" data-testid="stage-panel">
      <div className="panel-head">
        <Tag color={data.kind === 'final' ? 'green' : data.kind === 'stage' ? 'blue' : 'purple'}>
          {t(`editor.kinds.${data.kind}`)}
        </Tag>
        {isInitial ? (
          <Tag icon={<PlayCircleOutlined />} color="gold" data-testid="stage-is-initial">
            {t('editor.isInitial')}
          </Tag>
        ) : (
          data.kind !== 'final' && (
            <Button
              size="small"
              icon={<PlayCircleOutlined />}
              onClick={() => actions.setInitial(id)}
              data-testid="stage-make-initial"
            >
              {t('editor.makeInitial')}
            </Button>
          )
        )}
        {records > 0 && <Tag color="orange">{t('editor.recordsHere', { count: records })}</Tag>}
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          onClick={() => onDelete([id])}
          data-testid="stage-delete"
          style={{ marginLeft: 'auto' }}
        >
          {t('editor.delete')}
        </Button>
      </div>
      <Form.Item label={t('stage.title')}>
        <LocalizedInput
          value={stage.title}
          onChange={(title) => setStage({ title: title ?? EMPTY_TITLE }, 'title')}
          testid="stage-title"
        />
      </Form.Item>
      <Space wrap align="start">
        <KeyInput id={id} value={data.key} />
        <Form.Item label={t('stage.kind')}>
          <Select<StageKind>
            value={data.kind}
            onChange={(k) => actions.setKind(id, k)}
            options={kinds.map((k) => ({ value: k, label: t(`editor.kinds.${k}`) }))}
            style={{ width: 140 }}
            data-testid="stage-kind"
          />
        </Form.Item>
      </Space>
      {data.kind === 'final' && (
        <Form.Item label={t('stage.outcome')}>
          <Select
            value={stage.outcome ?? 'done'}
            onChange={(outcome) => setStage({ outcome })}
            options={(['won', 'lost', 'done'] as const).map((o) => ({
              value: o,
              label: t(`editor.outcome.${o}`),
            }))}
            data-testid="stage-outcome"
          />
        </Form.Item>
      )}
      {data.kind === 'history' && (
        <Form.Item label={t('stage.history')}>
          <Select
            value={data.history}
            onChange={(history) =>
              actions.updateStage(id, (d) => (d.kind === 'history' ? { ...d, history } : d))
            }
            options={(['shallow', 'deep'] as const).map((h) => ({
              value: h,
              label: t(`stage.histories.${h}`),
            }))}
          />
        </Form.Item>
      )}
      {(data.kind === 'compound' || data.kind === 'parallel') && (
        <Space wrap style={{ marginBottom: 12 }}>
          {data.kind === 'compound' && hasChildren && (
            <Form.Item label={t('stage.initialChild')} style={{ marginBottom: 0 }}>
              <Select
                value={data.initial ?? childKeys.split('|')[0]}
                onChange={(k: string) => actions.setInitial(`${id}.${k}`)}
                options={childKeys.split('|').map((k) => ({ value: k, label: k }))}
                style={{ width: 140 }}
              />
            </Form.Item>
          )}
          <Button
            icon={<PlusOutlined />}
            onClick={() => actions.addStage(data.kind === 'parallel' ? 'compound' : 'stage', id)}
            data-testid="stage-add-child"
          >
            {data.kind === 'parallel' ? t('editor.addRegion') : t('editor.addChild')}
          </Button>
        </Space>
      )}
      {data.kind !== 'history' && (
        <Collapse
          size="small"
          defaultActiveKey={['guide', 'sla']}
          items={[
            {
              key: 'guide',
              label: `${t('stage.instructions')} · ${t('stage.script')}`,
              children: (
                <>
                  <Form.Item label={t('stage.instructions')}>
                    <LocalizedInput
                      multiline
                      value={stage.instructions}
                      onChange={(instructions) => setStage({ instructions }, 'instructions')}
                      testid="stage-instructions"
                    />
                  </Form.Item>
                  <Form.Item label={t('stage.script')}>
                    <LocalizedInput
                      multiline
                      value={stage.script}
                      onChange={(script) => setStage({ script }, 'script')}
                      testid="stage-script"
                    />
                  </Form.Item>
                </>
              ),
            },
            {
              key: 'checklist',
              label: `${t('stage.checklist')} (${stage.checklist?.length ?? 0})`,
              children: (
                <ChecklistEditor
                  value={stage.checklist}
                  onChange={(checklist) => setStage({ checklist }, 'checklist')}
                />
              ),
            },
            {
              key: 'fields',
              label: `${t('stage.fieldsShown')} (${stage.fields?.length ?? 0})`,
              children: (
                <Select
                  mode="multiple"
                  value={stage.fields ?? []}
                  onChange={(v: string[]) => setStage({ fields: v.length ? v : undefined })}
                  options={fields.map((f) => ({ value: f.key, label: f.label[lang] || f.key }))}
                  style={{ width: '100%' }}
                  data-testid="stage-fields"
                />
              ),
            },
            {
              key: 'owner',
              label: t('stage.owner'),
              children: (
                <OwnerEditor
                  value={stage.owner}
                  onChange={(owner) => setStage({ owner }, 'owner')}
                />
              ),
            },
            ...(data.kind === 'final'
              ? []
              : [
                  {
                    key: 'sla',
                    label: t('stage.sla'),
                    children: (
                      <SlaEditor
                        id={id}
                        value={stage.sla}
                        onChange={(sla) => setStage({ sla }, 'sla')}
                      />
                    ),
                  },
                ]),
          ]}
        />
      )}
    </Form>
  );
}
