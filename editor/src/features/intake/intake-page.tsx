/**
 * /intake: every channel leads come in through — imports (history, live progress, the
 * wizard), hosted forms, the funnel by source and the review queue of held submissions.
 * Managers and admins see every tab; a rep (when the workspace lets reps import) sees imports.
 */
import { Badge, Result, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useIntakeSettings } from '../../shared/api/intake.ts';
import { useMe } from '../../shared/api/queries.ts';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import { useHeld } from './api.ts';
import { FormsTab } from './forms-tab.tsx';
import { ImportsTab } from './imports-tab.tsx';
import { ReviewTab } from './review-tab.tsx';
import { SourcesTab } from './sources-tab.tsx';
import './intake.css';

const TABS = ['imports', 'forms', 'sources', 'review'] as const;
type Tab = (typeof TABS)[number];

export function IntakePage() {
  const { t } = useTranslation();
  const me = useMe();
  const role = me.data?.role;
  const boss = role === 'admin' || role === 'manager';
  const settings = useIntakeSettings(role === 'rep');
  const held = useHeld(boss);
  const [params, setParams] = useSearchParams();
  if (me.isPending || (role === 'rep' && settings.isPending)) return <PageSpinner />;
  const mayImport = boss || (role === 'rep' && settings.data?.repsMayImport === true);
  if (!mayImport) {
    return (
      <div className="page intake-page">
        <Result status="403" title={t('intake.forbidden')} data-testid="intake-forbidden" />
      </div>
    );
  }
  const tabs: Tab[] = boss ? [...TABS] : ['imports'];
  const asked = params.get('tab');
  const tab: Tab = tabs.find((x) => x === asked) ?? 'imports';
  const heldCount = held.data?.length ?? 0;
  return (
    <div className="page intake-page" data-testid="intake-page">
      <div className="page-head">
        <div>
          <Typography.Title level={2}>{t('intake.title')}</Typography.Title>
          <Typography.Text type="secondary">
            {boss ? t('intake.subtitle') : t('intake.subtitleRep')}
          </Typography.Text>
        </div>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'imports' ? {} : { tab: k }, { replace: true })}
        items={tabs.map((k) => ({
          key: k,
          label: (
            <span data-testid={`intake-tab-${k}`}>
              {t(`intake.tabs.${k}`)}
              {k === 'review' && heldCount > 0 && (
                <Badge count={heldCount} size="small" className="intake-badge" />
              )}
            </span>
          ),
          children:
            k === 'imports' ? (
              <ImportsTab />
            ) : k === 'forms' ? (
              <FormsTab />
            ) : k === 'sources' ? (
              <SourcesTab />
            ) : (
              <ReviewTab />
            ),
        }))}
      />
    </div>
  );
}
