/**
 * Deleting from the canvas or a panel: a stage goes with every action into or out of it,
 * so a delete that takes actions (or records' stages) along names them and asks first.
 */
import { App, Typography } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { stageTitle } from '../../shared/graph/sop-graph.ts';
import { testProps } from '../../shared/test-props.ts';
import { type EditorState, useEditorStore } from './store.ts';

/** What deleting these nodes and edges takes with it. */
export function deleteImpact(
  s: Pick<EditorState, 'nodes' | 'edges' | 'recordCounts'>,
  nodeIds: string[],
  edgeIds: string[],
): { stages: string[]; actions: number; records: number } {
  const inside = (id: string) => nodeIds.some((n) => id === n || id.startsWith(`${n}.`));
  const stages = s.nodes.filter((n) => inside(n.id)).map((n) => n.id);
  const chosen = new Set(edgeIds);
  const actions = s.edges.filter(
    (e) => !chosen.has(e.id) && (inside(e.source) || inside(e.target)),
  ).length;
  let records = 0;
  for (const [stage, count] of Object.entries(s.recordCounts)) if (inside(stage)) records += count;
  return { stages, actions, records };
}

/** Deletes at once when nothing else goes with it, else after a confirmation. */
export function useRequestDelete() {
  const store = useEditorStore();
  const { modal } = App.useApp();
  const { t, i18n } = useTranslation();
  return useCallback(
    (nodeIds: string[], edgeIds: string[]) => {
      const s = store.getState();
      const impact = deleteImpact(s, nodeIds, edgeIds);
      if (impact.records === 0 && impact.actions === 0) {
        store.actions.deleteElements(nodeIds, edgeIds);
        return;
      }
      const names = nodeIds
        .map((id) => s.nodes.find((n) => n.id === id))
        .map((n) => (n ? `「${stageTitle(n.data, i18n.language)}」` : ''))
        .join('');
      modal.confirm({
        title: nodeIds.length
          ? t('editor.deleteStageTitle', { names, count: nodeIds.length })
          : t('editor.deleteTitle'),
        content: (
          <div data-testid="delete-impact">
            {impact.actions > 0 && (
              <Typography.Paragraph>
                {t('editor.deleteWithActions', { count: impact.actions })}
              </Typography.Paragraph>
            )}
            {impact.records > 0 && (
              <Typography.Paragraph>
                {t('editor.deleteWithRecords', { count: impact.records })}
              </Typography.Paragraph>
            )}
          </div>
        ),
        okText: t('editor.deleteConfirm'),
        okButtonProps: testProps({ danger: true }, 'delete-confirm'),
        cancelButtonProps: testProps({}, 'delete-cancel'),
        cancelText: t('editor.cancel'),
        onOk: () => store.actions.deleteElements(nodeIds, edgeIds),
      });
    },
    [store, modal, t, i18n],
  );
}
