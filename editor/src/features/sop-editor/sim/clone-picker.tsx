/**
 * Picks a live record of this SOP (searched by name, phone or company among the records
 * the caller may see) and copies it onto the draft for the simulator. Reads only:
 * `GET /api/records` and `GET /api/records/{id}`.
 */
import { chinaCalendar, type Fields, type RecordState, type SopDocument } from '@closeloop/engine';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, http, ok, type Schemas } from '../../../shared/api/client.ts';
import { useUsers, useWorkspaceTime } from '../../../shared/api/directory.ts';
import type { CloneInfo } from '../sim-machine.ts';
import { cloneOntoDraft } from './clone.ts';

/** A short name for a record: its first few text, phone and email values. */
export function recordLabel(doc: SopDocument, r: { id: string; fields: Fields }): string {
  const parts = doc.fields
    .filter((f) => f.type === 'text' || f.type === 'phone' || f.type === 'email')
    .map((f) => r.fields[f.key])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .slice(0, 3);
  return parts.length ? parts.join(' · ') : r.id;
}

type Missing = { info: CloneInfo; stages: string[]; fields: Fields; dropped: string[] };

export function ClonePicker({
  doc,
  onLoad,
  onFresh,
  onCancel,
}: {
  doc: SopDocument;
  onLoad: (
    cmd: { record: RecordState; now: number; from: CloneInfo },
    notes: { dropped: string[]; pastRungs: number },
  ) => void;
  onFresh: (fields: Fields, from: CloneInfo) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<Missing | null>(null);
  const time = useWorkspaceTime();
  const users = useUsers();
  const list = useQuery({
    queryKey: ['sim-clone', doc.id, q],
    queryFn: ({ signal }) =>
      ok(
        http.GET('/records', {
          params: { query: { sopId: doc.id, limit: 20, ...(q ? { q } : {}) } },
          signal,
        }),
      ),
    meta: { silent: true },
  });

  const pick = async (id: string) => {
    setBusy(id);
    setError(null);
    setMissing(null);
    try {
      const page = await ok(
        http.GET('/records/{recordId}', { params: { path: { recordId: id } } }),
      );
      const now = Date.now() + (time.data?.offsetMs ?? 0);
      const info: CloneInfo = {
        recordId: page.record.id,
        label: recordLabel(doc, page.record),
        sopVersion: page.record.sopVersion,
      };
      const c = cloneOntoDraft(
        doc,
        { ...page.record, value: page.record.value },
        now,
        chinaCalendar,
      );
      if (c.ok) {
        onLoad(
          { record: c.record, now, from: info },
          { dropped: c.droppedFields, pastRungs: c.pastRungs },
        );
      } else {
        setMissing({ info, stages: c.missing, fields: c.fields, dropped: c.droppedFields });
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="sim-clone" data-testid="sim-clone">
      <Typography.Text strong>{t('simulator.clone.title')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 6 }}>
        {t('simulator.clone.hint')}
      </Typography.Paragraph>
      <Space.Compact style={{ width: '100%', marginBottom: 6 }}>
        <Input.Search
          value={text}
          allowClear
          placeholder={t('simulator.clone.search')}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => setQ(v.trim())}
          loading={list.isFetching}
          data-testid="sim-clone-search"
        />
      </Space.Compact>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      {error && <Alert type="error" showIcon title={error} data-testid="sim-clone-error" />}
      {missing && <MissingAlert missing={missing} onFresh={onFresh} />}
      {list.data && list.data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('simulator.clone.none')} />
      ) : (
        <List
          size="small"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          data-testid="sim-clone-results"
          renderItem={(r) => (
            <CloneRow
              r={r}
              label={recordLabel(doc, r)}
              owner={
                (r.ownerId && users.data?.find((u) => u.id === r.ownerId)?.name) || r.ownerId || '—'
              }
              busy={busy}
              onPick={() => pick(r.id)}
            />
          )}
        />
      )}
      <Button size="small" type="link" onClick={onCancel} data-testid="sim-clone-cancel">
        {t('simulator.clone.cancel')}
      </Button>
    </div>
  );
}

/** The record cannot be copied (the draft lacks its stages): a fresh run with its fields instead. */
function MissingAlert({
  missing,
  onFresh,
}: {
  missing: Missing;
  onFresh: (fields: Fields, from: CloneInfo) => void;
}) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="sim-clone-missing"
      style={{ marginBottom: 6 }}
      title={t('simulator.clone.missing', { stages: missing.stages.join(', ') })}
      description={
        <>
          {missing.dropped.length > 0 && (
            <div>{t('simulator.clone.dropped', { fields: missing.dropped.join(', ') })}</div>
          )}
          <Button
            size="small"
            type="primary"
            style={{ marginTop: 6, whiteSpace: 'normal', height: 'auto' }}
            onClick={() => onFresh(missing.fields, missing.info)}
            data-testid="sim-clone-fresh"
          >
            {t('simulator.clone.fresh')}
          </Button>
        </>
      }
    />
  );
}

/** One record found: its label, stages, status, overdue, version and owner, and a pick button. */
function CloneRow({
  r,
  label,
  owner,
  busy,
  onPick,
}: {
  r: Schemas['Record'];
  label: string;
  /** The owner's name (or id). */
  owner: string;
  /** The record being loaded, if any: every pick button waits. */
  busy: string | null;
  onPick: () => void;
}) {
  const { t } = useTranslation();
  return (
    <List.Item
      data-testid={`sim-clone-row-${r.id}`}
      actions={[
        <Button
          key="pick"
          size="small"
          loading={busy === r.id}
          disabled={busy !== null}
          onClick={onPick}
          data-testid={`sim-clone-pick-${r.id}`}
        >
          {t('simulator.clone.pick')}
        </Button>,
      ]}
    >
      <div style={{ minWidth: 0 }}>
        <Typography.Text ellipsis style={{ display: 'block', fontSize: 12 }}>
          {label}
        </Typography.Text>
        <Space size={2} wrap>
          {r.currentStages.map((s) => (
            <Tag key={s} color="blue" style={{ fontSize: 11 }}>
              {s}
            </Tag>
          ))}
          {r.status !== 'open' && <Tag style={{ fontSize: 11 }}>{r.status}</Tag>}
          {r.overdue && (
            <Tag color="red" style={{ fontSize: 11 }}>
              {t('simulator.clone.overdue')}
            </Tag>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 11 }}>
            v{r.sopVersion} · {owner}
          </Typography.Text>
        </Space>
      </div>
    </List.Item>
  );
}
