/** Validation problems; picking one selects and shows its stage or action. */
import { AimOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { useReactFlow } from '@xyflow/react';
import { Button, List, Result, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { locateProblem } from '../../../shared/graph/sop-graph.ts';
import { describePath, type PathWords } from '../sop-words.ts';
import { useEditor, useEditorStore } from '../store.ts';

export function ProblemsPanel({ onPick }: { onPick?: () => void }) {
  const { t, i18n } = useTranslation();
  const problems = useEditor((s) => s.problems);
  const revision = useEditor((s) => s.revision);
  const store = useEditorStore();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new document per revision
  const doc = useMemo(() => store.toDocument(), [store, revision]);
  const rf = useReactFlow();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const words: PathWords = {
    stage: (name) => t('problems.where.stage', { name }),
    action: (name) => t('problems.where.action', { name }),
    field: (name) => t('problems.where.field', { name }),
    part: {
      gate: t('problems.where.gate'),
      sla: t('problems.where.sla'),
      owner: t('problems.where.owner'),
      checklist: t('problems.where.checklist'),
      fields: t('problems.where.fields'),
      handoff: t('problems.where.handoff'),
      sop: t('problems.where.sop'),
    },
  };
  if (problems.length === 0) {
    return (
      <Result
        icon={<CheckCircleOutlined style={{ color: '#52c41a' }} />}
        title={t('editor.noProblems')}
        data-testid="problems-none"
      />
    );
  }
  const pick = (p: (typeof problems)[number]) => {
    const s = store.getState();
    const at = locateProblem(s, p);
    if (at.edgeId) store.actions.select({ edges: [at.edgeId] });
    else if (at.nodeId) store.actions.select({ nodes: [at.nodeId] });
    const focus = at.nodeId;
    if (focus)
      void rf.fitView({ nodes: [{ id: focus }], duration: 300, maxZoom: 1.2, padding: 0.6 });
    onPick?.();
  };
  return (
    <List
      size="small"
      data-testid="problems-list"
      header={
        <Typography.Text strong>{t('problems.count', { count: problems.length })}</Typography.Text>
      }
      dataSource={problems}
      renderItem={(p, i) => (
        <List.Item
          data-testid={`problem-${i}`}
          data-code={p.code}
          actions={[
            <Button
              key="go"
              size="small"
              type="link"
              icon={<AimOutlined />}
              onClick={() => pick(p)}
            >
              {t('problems.select')}
            </Button>,
          ]}
        >
          <List.Item.Meta
            title={
              <Typography.Link className="problem-text" onClick={() => pick(p)}>
                {p.message[lang]}
              </Typography.Link>
            }
            description={
              <Typography.Text
                type="secondary"
                style={{ fontSize: 12 }}
                data-testid="problem-where"
                data-path={p.path}
              >
                {describePath(doc, p.path, words, lang) ?? t('problems.where.sop')}
              </Typography.Text>
            }
          />
        </List.Item>
      )}
    />
  );
}
