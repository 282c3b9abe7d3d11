/** The dry run's verdict: per-outcome counts and the rows that would not be created, then Run. */
import { App, Button, Radio, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { loc } from '../../shared/loc.ts';
import { type Import, type Mapping, type RunResult, runImport, type Setup } from './api.ts';

const OUTCOME_COLORS: Record<RunResult['rows'][number]['outcome'], string> = {
  create: 'green',
  'duplicate-file': 'gold',
  'duplicate-db': 'orange',
  error: 'red',
};

export function DryRunStep({
  importId,
  setup,
  mapping,
  result,
  onBack,
  onStarted,
}: {
  importId: string;
  setup: Setup;
  mapping: Mapping;
  result: RunResult;
  onBack: () => void;
  onStarted: (imp: Import) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  // the verdict shown is always the dry run of the policy chosen: changing it runs it again
  const [shown, setShown] = useState(result);
  const [policy, setPolicy] = useState<'skip' | 'create'>(result.import.duplicatePolicy);
  const [rechecking, setRechecking] = useState(false);
  const c = shown.counts;
  const body = (duplicatePolicy: 'skip' | 'create', dryRun: boolean) => ({
    sheet: setup.sheet,
    headerRow: setup.headerRow,
    mapping,
    duplicatePolicy,
    dryRun,
  });
  const choose = async (next: 'skip' | 'create') => {
    const before = policy;
    setPolicy(next);
    setRechecking(true);
    try {
      setShown(await runImport(importId, body(next, true)));
    } catch (e) {
      setPolicy(before);
      message.error(errorMessage(e));
    } finally {
      setRechecking(false);
    }
  };
  const run = async () => {
    setBusy(true);
    try {
      const r = await runImport(importId, body(policy, false));
      onStarted(r.import);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="import-dry" data-policy={policy} data-busy={rechecking}>
      <div className="intake-counts">
        <Statistic title={t('intake.dry.total')} value={c.total} data-testid="dry-total" />
        <Statistic title={t('intake.dry.create')} value={c.create} data-testid="dry-create" />
        <Statistic title={t('intake.dry.attach')} value={c.attach} />
        <Statistic title={t('intake.dry.duplicateInFile')} value={c.duplicateInFile} />
        <Statistic title={t('intake.dry.duplicateInDb')} value={c.duplicateInDb} />
        <Statistic title={t('intake.dry.error')} value={c.error} data-testid="dry-error" />
      </div>
      {shown.rows.length > 0 && (
        <Table
          size="small"
          rowKey="rowNumber"
          pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
          scroll={{ x: 420 }}
          loading={rechecking}
          dataSource={shown.rows}
          data-testid="dry-rows"
          columns={[
            { key: 'row', title: t('intake.dry.row'), dataIndex: 'rowNumber', width: 70 },
            {
              key: 'outcome',
              title: t('intake.dry.outcome'),
              render: (_, r) => (
                <Tag color={OUTCOME_COLORS[r.outcome]}>{t(`intake.dry.outcomes.${r.outcome}`)}</Tag>
              ),
            },
            {
              key: 'reasons',
              title: t('intake.dry.reason'),
              render: (_, r) => r.reasons.map((x) => loc(x)).join('；'),
            },
          ]}
        />
      )}
      <div className="intake-row" style={{ marginTop: 12 }}>
        <Typography.Text>{t('intake.dry.policy')}</Typography.Text>
        <Radio.Group
          value={policy}
          disabled={rechecking || busy}
          onChange={(e) => void choose(e.target.value)}
          data-testid="dry-policy"
          optionType="button"
          options={[
            { value: 'skip', label: t('intake.policy.skip') },
            { value: 'create', label: t('intake.policy.create') },
          ]}
        />
      </div>
      <div className="intake-actions">
        <Button onClick={onBack}>{t('intake.back')}</Button>
        <Button
          type="primary"
          loading={busy}
          disabled={rechecking}
          onClick={run}
          data-testid="import-run"
        >
          {t('intake.dry.run', { n: c.create + c.attach })}
        </Button>
      </div>
    </div>
  );
}
