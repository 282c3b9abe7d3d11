/** The dashboard's funnel by source: leads per channel and source, and how far they got. */
import { useTranslation } from 'react-i18next';
import { useSourceFunnel } from '../../shared/api/intake.ts';
import { SourceFunnelTable } from '../../shared/ui/source-funnel.tsx';
import type { Filters } from './api.ts';
import { Panel } from './panel-frame.tsx';

export function SourcesPanel({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const q = useSourceFunnel({
    ...(filters.sopId ? { sopId: filters.sopId } : {}),
    ...(filters.teamId ? { teamId: filters.teamId } : {}),
    ...(filters.ownerId ? { ownerId: filters.ownerId } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
  });
  return (
    <Panel
      title={t('dashboard.sources.title')}
      help={t('dashboard.sources.help')}
      testId="panel-sources"
    >
      <SourceFunnelTable rows={q.data?.sources} loading={q.isPending} testId="dash-source-table" />
    </Panel>
  );
}
