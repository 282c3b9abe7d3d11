/** Validation problems; picking one selects and shows its stage or action. */
import { AimOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { useReactFlow } from '@xyflow/react';
import { Button, List, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { locateProblem } from '../../../shared/graph/sop-graph.ts';
import { useEditor, useEditorStore } from '../store.ts';

export function ProblemsPanel({ onPick }: { onPick?: () => void }) {
  const { t, i18n } = useTranslation();
  const problems = useEditor((s) => s.problems);
  const store = useEditorStore();
  const rf = useReactFlow();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
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
              <Typography.Text type="secondary" code style={{ fontSize: 11 }}>
                {p.path}
              </Typography.Text>
            }
          />
        </List.Item>
      )}
    />
  );
}
