import { Badge, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldsPanel } from './panels/fields-panel.tsx';
import { Inspector } from './panels/inspector.tsx';
import { ProblemsPanel } from './panels/problems-panel.tsx';
import { Simulator } from './simulator.tsx';
import { useEditor } from './store.ts';

export type PanelTab = 'inspect' | 'fields' | 'problems' | 'simulate';

type Props = {
  tab: PanelTab;
  setTab: (tab: PanelTab) => void;
  onDelete: (nodeIds: string[], edgeIds: string[]) => void;
  onPickProblem: () => void;
};

export function SidePanel({ tab, setTab, onDelete, onPickProblem }: Props) {
  const { t } = useTranslation();
  const problemCount = useEditor((s) => s.problems.length);
  return (
    <Tabs
      className="side-tabs"
      activeKey={tab}
      onChange={(k) => setTab(k as PanelTab)}
      size="small"
      items={[
        {
          key: 'inspect',
          label: <span data-testid="tab-inspect">{t('editor.inspector')}</span>,
          children: <Inspector onDelete={onDelete} />,
        },
        {
          key: 'fields',
          label: <span data-testid="tab-fields">{t('editor.fields')}</span>,
          children: <FieldsPanel />,
        },
        {
          key: 'problems',
          label: (
            <span data-testid="tab-problems">
              {t('editor.problems')} <Badge count={problemCount} size="small" />
            </span>
          ),
          children: <ProblemsPanel onPick={onPickProblem} />,
        },
        {
          key: 'simulate',
          label: <span data-testid="tab-simulate">{t('editor.simulate')}</span>,
          children: <Simulator />,
          destroyOnHidden: false,
        },
      ]}
    />
  );
}
