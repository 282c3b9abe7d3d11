/**
 * The import wizard: upload a .csv/.xlsx → sheet, header row and column mapping with a preview
 * of the first rows as stored → dry run → run with a live progress bar → error report.
 */
import { InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Select, Steps, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import {
  type Import,
  intakeKeys,
  type Mapping,
  type RunResult,
  type Setup,
  type Uploaded,
  uploadImport,
} from './api.ts';
import { DryRunStep } from './dry-run-step.tsx';
import { MappingStep } from './mapping-step.tsx';
import { RunProgress } from './run-progress.tsx';

type Stage = 'upload' | 'mapping' | 'dry' | 'run';
const STAGES: Stage[] = ['upload', 'mapping', 'dry', 'run'];

export function ImportWizard({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [stage, setStage] = useState<Stage>('upload');
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [dry, setDry] = useState<RunResult | null>(null);
  const [running, setRunning] = useState<Import | null>(null);
  const qc = useQueryClient();
  const refreshHistory = () => void qc.invalidateQueries({ queryKey: intakeKeys.imports });
  return (
    <Card
      className="intake-wizard"
      size="small"
      title={t('intake.wizard.title')}
      extra={
        stage !== 'run' && (
          <Button size="small" onClick={onClose} data-testid="import-wizard-close">
            {t('intake.close')}
          </Button>
        )
      }
      data-testid="import-wizard"
    >
      <Steps
        size="small"
        current={STAGES.indexOf(stage)}
        responsive={false}
        items={STAGES.map((s) => ({
          title: <span className="wizard-step">{t(`intake.wizard.${s}`)}</span>,
        }))}
      />
      {stage === 'upload' && (
        <UploadStep
          onUploaded={(u) => {
            setUploaded(u);
            setSetup(u);
            setMapping(u.suggestedMapping);
            setStage('mapping');
            refreshHistory();
          }}
        />
      )}
      {stage === 'mapping' && uploaded && setup && (
        <MappingStep
          uploaded={uploaded}
          setup={setup}
          mapping={mapping}
          onSetup={setSetup}
          onMapping={setMapping}
          onBack={() => setStage('upload')}
          onDryRun={(r) => {
            setDry(r);
            setStage('dry');
          }}
        />
      )}
      {stage === 'dry' && uploaded && setup && dry && (
        <DryRunStep
          importId={uploaded.import.id}
          setup={setup}
          mapping={mapping}
          result={dry}
          onBack={() => setStage('mapping')}
          onStarted={(imp) => {
            setRunning(imp);
            setStage('run');
            refreshHistory();
          }}
        />
      )}
      {stage === 'run' && running && <RunProgress imp={running} onClose={onClose} />}
    </Card>
  );
}

function UploadStep({ onUploaded }: { onUploaded: (u: Uploaded) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const sops = useSops();
  const published = (sops.data?.items ?? []).filter((s) => s.publishedVersion !== null);
  const [sopId, setSopId] = useState<string | undefined>();
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = sopId ?? (published.length === 1 ? published[0]?.sopId : undefined);
  const send = async (file: File) => {
    if (!chosen) {
      message.warning(t('intake.wizard.pickSop'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const u = await uploadImport(file, chosen, source.trim() || undefined);
      if (u.sameFileAs.length)
        message.info(t('intake.wizard.sameFile', { n: u.sameFileAs.length }));
      onUploaded(u);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div className="intake-row">
        <Select
          placeholder={t('intake.wizard.sop')}
          value={chosen}
          onChange={setSopId}
          loading={sops.isPending}
          options={published.map((s) => ({ value: s.sopId, label: loc(s.name, s.sopId) }))}
          data-testid="import-sop"
        />
        <Input
          placeholder={t('intake.wizard.sourcePlaceholder')}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          maxLength={200}
          style={{ maxWidth: 280 }}
          data-testid="import-source"
        />
      </div>
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          void send(file);
          return false;
        }}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">
          {busy ? t('intake.wizard.reading') : t('intake.wizard.drop')}
        </p>
        <p className="ant-upload-hint">{t('intake.wizard.limits')}</p>
      </Upload.Dragger>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginTop: 12 }}
          data-testid="import-upload-error"
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('intake.wizard.encodingHint')}
      </Typography.Paragraph>
    </div>
  );
}
