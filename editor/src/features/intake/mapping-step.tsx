/**
 * Sheet, header row and column mapping (the suggestion, editable; saved as the source's
 * template on request), with the first rows as they will be stored.
 */
import { Alert, App, Button, Checkbox, InputNumber, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { useSops } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import {
  type FieldDef,
  type Mapping,
  previewImport,
  type RunResult,
  runImport,
  type Setup,
  type SetupInput,
  type Uploaded,
  useSopFields,
} from './api.ts';

const SPECIAL = ['$owner', '$source', '$externalId'] as const;

/** The mapping's choices (the SOP's fields, then owner, source and external id) and their names. */
function targetsOf(fields: FieldDef[], special: (key: string) => string) {
  return {
    targets: [
      ...fields.map((f) => ({ value: f.key, label: loc(f.label, f.key) })),
      ...SPECIAL.map((s) => ({ value: s, label: special(s) })),
    ],
    label: (key: string) =>
      loc(fields.find((f) => f.key === key)?.label, '') ||
      ((SPECIAL as readonly string[]).includes(key) ? special(key) : key),
  };
}

export function MappingStep({
  uploaded,
  setup,
  mapping,
  onSetup,
  onMapping,
  onBack,
  onDryRun,
}: {
  uploaded: Uploaded;
  setup: Setup;
  mapping: Mapping;
  onSetup: (s: Setup) => void;
  onMapping: (m: Mapping) => void;
  onBack: () => void;
  onDryRun: (r: RunResult) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const imp = uploaded.import;
  const sop = useSops().data?.items.find((s) => s.sopId === imp.sopId);
  const fields = useSopFields(imp.sopId, sop?.publishedVersion).data ?? [];
  const [busy, setBusy] = useState(false);
  const [saveTemplate, setSaveTemplate] = useState(false);
  const refresh = async (input: SetupInput) => {
    setBusy(true);
    try {
      const next = await previewImport(imp.id, {
        sheet: setup.sheet,
        headerRow: setup.headerRow,
        mapping,
        ...input,
      });
      onSetup(next);
      if (
        input.mapping === undefined &&
        (input.sheet !== undefined || input.headerRow !== undefined)
      ) {
        // other headers: start again from the suggestion for them
        onMapping(next.suggestedMapping);
      }
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const setTarget = (col: number, target: string | undefined) => {
    const next: Mapping = {};
    for (const [c, v] of Object.entries(mapping)) {
      if (c !== String(col) && v !== target) next[c] = v;
    }
    if (target) next[String(col)] = target;
    onMapping(next);
    void refresh({ mapping: next });
  };
  const dryRun = async () => {
    setBusy(true);
    try {
      onDryRun(
        await runImport(imp.id, {
          sheet: setup.sheet,
          headerRow: setup.headerRow,
          mapping,
          dryRun: true,
          ...(saveTemplate ? { saveTemplate: true } : {}),
        }),
      );
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const { targets, label } = targetsOf(fields, (key) =>
    String(t(`intake.mapping.special.${key.slice(1)}`)),
  );
  const shownFields = [...new Set(Object.values(mapping))];
  return (
    <div data-testid="import-mapping">
      <div className="intake-row">
        <Tag color="blue" data-testid="import-encoding">
          {imp.kind === 'xlsx'
            ? 'Excel (.xlsx)'
            : `CSV · ${(imp.encoding ?? 'utf-8').toUpperCase()}`}
        </Tag>
        <Select
          value={setup.sheet}
          onChange={(sheet) => void refresh({ sheet })}
          disabled={imp.sheets.length < 2}
          options={imp.sheets.map((s) => ({
            value: s.name,
            label: t('intake.mapping.sheetRows', { name: s.name, rows: s.rows }),
          }))}
          data-testid="import-sheet"
        />
        <span>
          {t('intake.mapping.headerRow')}{' '}
          <InputNumber
            min={1}
            value={setup.headerRow + 1}
            onChange={(v) => typeof v === 'number' && void refresh({ headerRow: v - 1 })}
            data-testid="import-header-row"
            style={{ width: 80 }}
          />
        </span>
      </div>
      {setup.precisionLost > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('intake.mapping.precisionLost', { n: setup.precisionLost })}
          style={{ marginBottom: 12 }}
        />
      )}
      <MappingTable
        headers={setup.headers}
        mapping={mapping}
        targets={targets}
        onTarget={setTarget}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('intake.mapping.preview')}
      </Typography.Title>
      <PreviewTable setup={setup} fields={shownFields} label={label} busy={busy} />
      <div className="intake-actions">
        <Checkbox
          checked={saveTemplate}
          onChange={(e) => setSaveTemplate(e.target.checked)}
          data-testid="import-save-template"
        >
          {t('intake.mapping.saveTemplate', { source: imp.source })}
        </Checkbox>
        <Button onClick={onBack}>{t('intake.back')}</Button>
        <Button
          type="primary"
          loading={busy}
          disabled={Object.keys(mapping).length === 0}
          onClick={dryRun}
          data-testid="import-dry-run"
        >
          {t('intake.mapping.dryRun')}
        </Button>
      </div>
    </div>
  );
}

/** The first rows as they will be stored, with each row's problems. */
function PreviewTable({
  setup,
  fields: shownFields,
  label,
  busy,
}: {
  setup: Setup;
  fields: string[];
  label: (key: string) => string;
  busy: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      rowKey="rowNumber"
      pagination={false}
      loading={busy}
      scroll={{ x: Math.max(480, shownFields.length * 140) }}
      dataSource={setup.preview.slice(0, 10)}
      data-testid="import-preview"
      columns={[
        { key: 'row', title: '#', dataIndex: 'rowNumber', width: 56 },
        ...shownFields.map((f) => ({
          key: f,
          title: label(f),
          render: (_: unknown, r: Setup['preview'][number]) =>
            f === '$owner'
              ? (r.ownerId ?? '')
              : f === '$source'
                ? r.source
                : String(r.fields[f] ?? ''),
        })),
        {
          key: 'reasons',
          title: t('intake.mapping.problems'),
          render: (_: unknown, r: Setup['preview'][number]) =>
            r.reasons.map((x) => (
              <Tag color="red" key={x.en}>
                {loc(x)}
              </Tag>
            )),
        },
      ]}
    />
  );
}

/** Each column of the file with the field it goes into (or none). */
function MappingTable({
  headers,
  mapping,
  targets,
  onTarget: setTarget,
}: {
  headers: string[];
  mapping: Mapping;
  targets: Array<{ value: string; label: string }>;
  onTarget: (col: number, target: string | undefined) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      rowKey="col"
      pagination={false}
      scroll={{ x: 420 }}
      dataSource={headers.map((h, col) => ({ col, header: h }))}
      data-testid="import-mapping-table"
      columns={[
        { key: 'header', title: t('intake.mapping.column'), dataIndex: 'header' },
        {
          key: 'target',
          title: t('intake.mapping.target'),
          render: (_, r) => (
            <Select
              allowClear
              placeholder={t('intake.mapping.ignore')}
              value={mapping[String(r.col)]}
              onChange={(v) => setTarget(r.col, v)}
              options={targets}
              style={{ minWidth: 160, width: '100%' }}
              data-testid={`import-map-${r.col}`}
            />
          ),
        },
      ]}
    />
  );
}
