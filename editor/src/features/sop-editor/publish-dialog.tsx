/**
 * Publishing: save the draft, show what changed since the published version, take a note,
 * publish; then offer to migrate running records (dry run first).
 */
import { parseSop, type SopDocument } from '@closeloop/engine';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Empty,
  Input,
  Modal,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answered, errorMessage, http, ok } from '../../shared/api/client.ts';
import { fetchVersion, keys, publishSop } from '../../shared/api/queries.ts';
import { type DiffEntry, diffSops, stageIds } from '../../shared/graph/sop-diff.ts';
import { formatDuration } from './duration.ts';
import { useEditor, useEditorStore } from './store.ts';

const CHANGE_COLOR = { added: 'green', removed: 'red', changed: 'blue' } as const;

export function DiffList({ entries }: { entries: DiffEntry[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  if (!entries.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('publish.noChanges')} />;
  return (
    <ul className="diff-list" data-testid="publish-diff">
      {entries.map((d) => (
        <li
          key={`${d.kind}-${d.change}-${d.id}`}
          data-kind={d.kind}
          data-change={d.change}
          title={d.id}
        >
          <Tag color={CHANGE_COLOR[d.change]}>{t(`publish.${d.change}`)}</Tag>
          <Tag>{t(`publish.kinds.${d.kind}`)}</Tag>
          {d.from && <Typography.Text type="secondary">{d.from[lang]} › </Typography.Text>}
          <Typography.Text>{d.label?.[lang] || d.id}</Typography.Text>
          {d.durations && (
            <Typography.Text type="secondary" data-testid="diff-durations">
              {'  '}
              {[d.durations.before, d.durations.after]
                .map((x) => (x ? formatDuration(x, t) : '—'))
                .join(' → ')}
            </Typography.Text>
          )}
        </li>
      ))}
    </ul>
  );
}

async function loadVersionDoc(
  qc: ReturnType<typeof useQueryClient>,
  sopId: string,
  version: number,
): Promise<SopDocument | null> {
  const r = await fetchVersion(qc, sopId, version);
  const parsed = parseSop(r.doc);
  return parsed.ok ? parsed.doc : null;
}

type MigrateOutcome = Answered<'/sops/{sopId}/migrate', 'post'>;

/** Offers a dry run, then the real migration, from one published version to the next. */
export function MigrateStep({
  sopId,
  from,
  to,
  onDone,
}: {
  sopId: string;
  from: number;
  to: number;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [docs, setDocs] = useState<{ from: SopDocument; to: SopDocument } | null>(null);
  const [map, setMap] = useState<Record<string, string>>({});
  const [result, setResult] = useState<MigrateOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';

  useEffect(() => {
    void Promise.all([loadVersionDoc(qc, sopId, from), loadVersionDoc(qc, sopId, to)]).then(
      ([a, b]) => {
        if (!a || !b) return;
        setDocs({ from: a, to: b });
        const newIds = new Set(stageIds(b));
        setMap(
          Object.fromEntries(
            stageIds(a)
              .filter((id) => newIds.has(id))
              .map((id) => [id, id]),
          ),
        );
      },
    );
  }, [qc, sopId, from, to]);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    try {
      const r = await ok(
        http.POST('/sops/{sopId}/migrate', {
          params: { path: { sopId } },
          body: { fromVersion: from, toVersion: to, stageMap: map, dryRun },
        }),
      );
      setResult(r);
      if (!dryRun) {
        void message.success(t('publish.migrated', { count: r.moved.length }));
        onDone();
      }
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const newIds = docs ? stageIds(docs.to) : [];
  const gone = docs ? stageIds(docs.from).filter((id) => !newIds.includes(id)) : [];
  return (
    <div data-testid="migrate-step">
      <Typography.Paragraph>{t('publish.migrateBody', { from })}</Typography.Paragraph>
      {gone.length > 0 && (
        <div className="stack">
          <Typography.Text strong>{t('publish.stageMap')}</Typography.Text>
          {gone.map((id) => (
            <Space key={id}>
              <Typography.Text code>{id}</Typography.Text>→
              <Select
                style={{ width: 200 }}
                placeholder={t('publish.unmapped')}
                value={map[id]}
                onChange={(v: string) => setMap((m) => ({ ...m, [id]: v }))}
                options={newIds.map((x) => ({ value: x, label: x }))}
              />
            </Space>
          ))}
        </div>
      )}
      {result && (
        <div data-testid="migrate-result">
          <Typography.Text strong>{t('publish.migrateResult')}</Typography.Text>
          <Table
            size="small"
            rowKey="recordId"
            pagination={{ pageSize: 5 }}
            dataSource={[
              ...result.moved.map((m) => ({
                recordId: m.recordId,
                text: `${m.from.join(', ')} → ${m.to.join(', ')}`,
                ok: true,
              })),
              ...result.failed.map((f) => ({
                recordId: f.recordId,
                text: f.message[lang] || f.code,
                ok: false,
              })),
            ]}
            columns={[
              { title: 'ID', dataIndex: 'recordId', ellipsis: true },
              {
                title: '',
                key: 'text',
                render: (_, r) =>
                  r.ok ? r.text : <Typography.Text type="danger">{r.text}</Typography.Text>,
              },
            ]}
          />
        </div>
      )}
      <Space style={{ marginTop: 12 }} wrap>
        <Button onClick={() => void run(true)} loading={busy} data-testid="migrate-dry-run">
          {t('publish.migrateDryRun')}
        </Button>
        <Button
          type="primary"
          disabled={!result}
          onClick={() => void run(false)}
          loading={busy}
          data-testid="migrate-apply"
        >
          {t('publish.migrateApply')}
        </Button>
        <Button onClick={onDone} data-testid="migrate-later">
          {t('publish.migrateLater')}
        </Button>
      </Space>
    </div>
  );
}

export function PublishDialog({
  open,
  onClose,
  published,
  flush,
  onPublished,
  onShowProblems,
}: {
  open: boolean;
  onClose: () => void;
  published: number | null;
  flush: () => Promise<void>;
  onPublished: (v: number) => void;
  onShowProblems: () => void;
}) {
  const { t } = useTranslation();
  const store = useEditorStore();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const problems = useEditor((s) => s.problems.length);
  const [diff, setDiff] = useState<DiffEntry[] | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [migrate, setMigrate] = useState<{ from: number; to: number } | null>(null);
  const sopId = store.getState().sopId;

  useEffect(() => {
    if (!open) return;
    setDiff(null);
    setError(null);
    setMigrate(null);
    const draft = store.toDocument();
    if (published === null) {
      setDiff(diffSops(null, draft));
      return;
    }
    loadVersionDoc(qc, sopId, published)
      .then((before) => setDiff(diffSops(before, draft)))
      .catch((e) => setError(errorMessage(e)));
  }, [open, published, qc, sopId, store]);

  const submit = async () => {
    if (!note.trim()) {
      setError(t('publish.noteRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await flush();
      const r = await publishSop(sopId, note.trim());
      void message.success(t('publish.published', { version: r.version }));
      store.actions.setVersion(r.version);
      void qc.invalidateQueries({ queryKey: keys.versions(sopId) });
      void qc.invalidateQueries({ queryKey: keys.sops });
      const before = published;
      onPublished(r.version);
      setNote('');
      if (before !== null) setMigrate({ from: before, to: r.version });
      else onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={migrate ? t('publish.migrateTitle') : t('publish.title')}
      footer={null}
      width={640}
      destroyOnHidden
      data-testid="publish-dialog"
    >
      {migrate ? (
        <MigrateStep sopId={sopId} from={migrate.from} to={migrate.to} onDone={onClose} />
      ) : (
        <>
          {problems > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('publish.hasProblems', { count: problems })}
              action={
                <Button size="small" onClick={onShowProblems}>
                  {t('problems.select')}
                </Button>
              }
              style={{ marginBottom: 12 }}
              data-testid="publish-problems"
            />
          )}
          <Typography.Text strong>
            {published === null
              ? t('publish.firstVersion')
              : t('publish.diff', { version: published })}
          </Typography.Text>
          {diff ? (
            <DiffList entries={diff} />
          ) : (
            !error && <Result status="info" title={t('app.loading')} />
          )}
          <Input.TextArea
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('publish.note')}
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={500}
            data-testid="publish-note"
            style={{ marginTop: 12 }}
          />
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginTop: 12 }}
              data-testid="publish-error"
            />
          )}
          <div style={{ marginTop: 12, textAlign: 'right' }}>
            <Space>
              <Button onClick={onClose}>{t('editor.cancel')}</Button>
              <Button
                type="primary"
                loading={busy}
                disabled={problems > 0}
                onClick={() => void submit()}
                data-testid="publish-submit"
              >
                {t('publish.submit')}
              </Button>
            </Space>
          </div>
        </>
      )}
    </Modal>
  );
}
