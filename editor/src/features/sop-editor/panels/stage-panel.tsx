/** The stage form: everything in `meta.stage`, the kind, the id and the start marker. */
import { DeleteOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { StageMeta } from '@closeloop/engine';
import { Button, Collapse, Form, Input, Select, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { childrenOf, type StageData, type StageKind } from '../../../shared/graph/sop-graph.ts';
import { initialIds, useEditor, useEditorActions } from '../store.ts';
import { ChecklistEditor } from './checklist-editor.tsx';
import { LocalizedInput } from './localized-input.tsx';
import { OwnerEditor } from './owner-editor.tsx';
import { SlaEditor } from './sla-editor.tsx';

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

const EMPTY_TITLE = { 'zh-CN': '', en: '' };

export function StagePanel({ id, onDelete }: { id: string; onDelete: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const actions = useEditorActions();
  const node = useEditor((s) => s.nodes.find((n) => n.id === id));
  const childKeys = useEditor((s) =>
    childrenOf(s.nodes, id)
      .map((n) => n.data.key)
      .join('|'),
  );
  const hasChildren = childKeys.length > 0;
  if (!node) return null;
  const data = node.data;
  const stage: StageMeta = data.stage ?? { title: { 'zh-CN': data.key, en: data.key } };

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
      <StageHead id={id} kind={data.kind} onDelete={onDelete} />
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
        <StageSections id={id} final={data.kind === 'final'} stage={stage} setStage={setStage} />
      )}
    </Form>
  );
}

/** The kind, the start marker (or the button that makes the stage the start), records here, delete. */
function StageHead({
  id,
  kind,
  onDelete,
}: {
  id: string;
  kind: StageKind;
  onDelete: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const actions = useEditorActions();
  const isInitial = useEditor((s) => initialIds(s).has(id));
  const records = useEditor((s) =>
    Object.entries(s.recordCounts).reduce(
      (sum, [stage, n]) => (stage === id || stage.startsWith(`${id}.`) ? sum + n : sum),
      0,
    ),
  );
  return (
    <div className="panel-head">
      <Tag color={kind === 'final' ? 'green' : kind === 'stage' ? 'blue' : 'purple'}>
        {t(`editor.kinds.${kind}`)}
      </Tag>
      {isInitial ? (
        <Tag icon={<PlayCircleOutlined />} color="gold" data-testid="stage-is-initial">
          {t('editor.isInitial')}
        </Tag>
      ) : (
        kind !== 'final' && (
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
  );
}

type SetStage = (patch: Partial<StageMeta>, tag?: string) => void;

/** Guidance, checklist, fields shown, owner and (but on a final stage) the SLA, folded. */
function StageSections({
  id,
  final,
  stage,
  setStage,
}: {
  id: string;
  final: boolean;
  stage: StageMeta;
  setStage: SetStage;
}) {
  const { t, i18n } = useTranslation();
  const fields = useEditor((s) => s.meta.fields);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
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
            <OwnerEditor value={stage.owner} onChange={(owner) => setStage({ owner }, 'owner')} />
          ),
        },
        ...(final
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
  );
}
