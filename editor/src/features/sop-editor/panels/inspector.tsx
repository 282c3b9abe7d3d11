/** Shows the form for what is selected: a stage, an action, or the SOP itself. */
import { Empty, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { shallowEqual, useEditor, useEditorActions } from '../store.ts';
import { ActionPanel } from './action-panel.tsx';
import { LocalizedInput } from './localized-input.tsx';
import { StagePanel } from './stage-panel.tsx';

type Selection = { kind: 'node' | 'edge' | 'none' | 'many'; id: string };

export function Inspector({
  onDelete,
}: {
  onDelete: (nodeIds: string[], edgeIds: string[]) => void;
}) {
  const sel = useEditor((s): Selection => {
    const nodes = s.nodes.filter((n) => n.selected);
    const edges = s.edges.filter((e) => e.selected);
    if (nodes.length === 1 && edges.length === 0) return { kind: 'node', id: nodes[0]?.id ?? '' };
    if (edges.length === 1 && nodes.length === 0) return { kind: 'edge', id: edges[0]?.id ?? '' };
    if (nodes.length + edges.length > 1) return { kind: 'many', id: '' };
    return { kind: 'none', id: '' };
  }, shallowEqual);
  if (sel.kind === 'node')
    return <StagePanel key={sel.id} id={sel.id} onDelete={(ids) => onDelete(ids, [])} />;
  if (sel.kind === 'edge')
    return <ActionPanel key={sel.id} edgeId={sel.id} onDelete={(ids) => onDelete([], ids)} />;
  return <SopPanel />;
}

function SopPanel() {
  const { t } = useTranslation();
  const meta = useEditor((s) => s.meta);
  const actions = useEditorActions();
  return (
    <Form layout="vertical" size="small" className="panel-form" data-testid="sop-panel">
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('editor.nothingSelected')} />
      <Typography.Title level={5}>{t('editor.sop')}</Typography.Title>
      <Form.Item label={t('sopMeta.id')}>
        <Typography.Text code>{meta.id}</Typography.Text>
        {meta.version > 0 && (
          <Typography.Text type="secondary">
            {' '}
            · {t('sopMeta.version')} v{meta.version}
          </Typography.Text>
        )}
      </Form.Item>
      <Form.Item label={t('sops.name')}>
        <LocalizedInput
          value={meta.name}
          testid="sop-name"
          onChange={(name) =>
            actions.setMeta((m) => ({ ...m, name: name ?? { 'zh-CN': '', en: '' } }), 'name')
          }
        />
      </Form.Item>
      <Form.Item label={t('sopMeta.descriptionZh')}>
        <LocalizedInput
          multiline
          value={meta.description}
          testid="sop-description"
          onChange={(description) =>
            actions.setMeta((m) => {
              const { description: _d, ...rest } = m;
              return description ? { ...rest, description } : rest;
            }, 'description')
          }
        />
      </Form.Item>
    </Form>
  );
}
