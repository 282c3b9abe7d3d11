/**
 * Quick capture: a new lead in a few taps. Name, phone (Chinese formats), company, source,
 * note; the SOP it starts on. As the rep types, the workspace is searched for the same
 * phone, email or company — including records the rep cannot see, which only say who owns
 * them (撞单). A failed submit keeps the form and retries with the same Idempotency-Key.
 */
import { WarningOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Drawer, Form, Grid, Input, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import { CustomerTakenAlert, customerTakenOf } from '../../shared/ui/customer-taken-alert.tsx';
import {
  type CommandResult,
  type DuplicateMatch,
  fieldErrorsOf,
  newIdempotencyKey,
  type PublishedSop,
  repKeys,
  usePublishedSops,
  useSopVersion,
  useUsers,
} from './api.ts';
import {
  AUTO,
  CaptureFooter,
  ContactFields,
  OwnerField,
  SopField,
  SourceField,
  useDuplicateMatches,
} from './capture-fields.tsx';
import { type CaptureValues, captureFields, captureMapping } from './capture-mapping.ts';
import { queueCapture } from './capture-queue.ts';
import { loc } from './format.ts';
import { OfflineBanner } from './offline-banner.tsx';
import { useCommand } from './use-command.ts';

const LAST_SOP = 'closeloop.captureSop';

/**
 * The SOP quick capture opens on: the one this rep used last, else a lead SOP (tagged
 * `lead`), else the one with the most records.
 */
export function defaultCaptureSop(
  offered: PublishedSop[],
  last: string | null,
): string | undefined {
  const used = offered.find((s) => s.sopId === last);
  if (used) return used.sopId;
  const lead = offered.find((s) => s.tags.includes('lead'));
  if (lead) return lead.sopId;
  return [...offered].sort((a, b) => b.recordCount - a.recordCount)[0]?.sopId;
}

function storedSop(): string | null {
  try {
    return localStorage.getItem(LAST_SOP);
  } catch {
    return null;
  }
}

export function CaptureDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const sops = usePublishedSops();
  const users = useUsers();
  const [form] = Form.useForm<CaptureValues>();
  const [sopId, setSopId] = useState<string | undefined>(undefined);
  const [owner, setOwner] = useState<string>(me?.id ?? AUTO);
  const values = Form.useWatch([], form) ?? {};

  // only SOPs the caller starts by hand (not after-sales or a departure handover)
  const offered = useMemo(() => (sops.data ?? []).filter((s) => s.startable), [sops.data]);
  useEffect(() => {
    if (sopId || !offered.length) return;
    setSopId(defaultCaptureSop(offered, storedSop()));
  }, [offered, sopId]);
  useEffect(() => {
    if (me?.id) setOwner((o) => (o === AUTO ? me.id : o));
  }, [me?.id]);

  const sop = offered.find((s) => s.sopId === sopId);
  const doc = useSopVersion(sop?.sopId, sop?.version);
  const mapping = useMemo(() => (doc.data ? captureMapping(doc.data) : {}), [doc.data]);

  const matches = useDuplicateMatches(values, open);

  const cmd = useCommand((r: CommandResult) => {
    try {
      if (sopId) localStorage.setItem(LAST_SOP, sopId);
    } catch {
      // not remembered
    }
    void qc.invalidateQueries({ queryKey: repKeys.nextAll });
    void qc.invalidateQueries({ queryKey: repKeys.teamAll });
    void message.success(t('rep.capture.created'));
    form.resetFields();
    onClose();
    navigate(`/records/${r.record.id}`);
  });
  const busy = cmd.state.status === 'sending';
  const taken = cmd.state.status === 'error' ? customerTakenOf(cmd.state.error) : null;
  const serverFieldErrors = cmd.state.status === 'error' ? fieldErrorsOf(cmd.state.error) : {};

  const submit = async () => {
    let v: CaptureValues;
    try {
      v = await form.validateFields();
    } catch {
      // the form shows what is wrong
      return;
    }
    if (!sop) return;
    const fields = captureFields(mapping, v, t('rep.capture.source'));
    const ownerId = owner === AUTO ? undefined : owner;
    const body = { sopId: sop.sopId, fields, ...(ownerId ? { ownerId } : {}) };
    const keep = async (key: string) => {
      // no network: the capture waits on this device with its key and goes out later
      await queueCapture({
        key,
        body,
        label: (v.name ?? '').trim(),
        sopName: sop.name,
        queuedAt: Date.now(),
      });
      cmd.reset();
      void message.info(t('rep.capture.queued'));
      form.resetFields();
      onClose();
    };
    if (!navigator.onLine) return keep(newIdempotencyKey());
    const r = await cmd.run('POST', '/api/records', body);
    const key = r ? null : cmd.pendingKey();
    if (key) await keep(key);
  };

  const isManager = me?.role === 'manager' || me?.role === 'admin';
  const errorFor = (slot: keyof typeof mapping) => {
    const key = mapping[slot]?.key;
    return key ? serverFieldErrors[key] : undefined;
  };

  return (
    <Drawer
      open={open}
      onClose={busy ? undefined : onClose}
      placement={screens.md ? 'right' : 'bottom'}
      size={screens.md ? 440 : '92%'}
      title={t('rep.capture.title')}
      className="rep-sheet"
      footer={
        <CaptureFooter
          busy={busy}
          disabled={!sop}
          duplicates={matches.length > 0}
          onClose={onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <div data-testid="capture-drawer">
        <div className="rep-sheet-status">
          <OfflineBanner state={cmd.state} onRetry={() => void cmd.retry()} onDismiss={cmd.reset} />
        </div>
        {taken && <CustomerTakenAlert taken={taken} />}
        {cmd.state.status === 'error' && !taken && (
          <Alert
            type="error"
            showIcon
            className="rep-banner"
            title={errorMessage(cmd.state.error)}
            data-testid="capture-error"
          />
        )}
        <Form form={form} layout="vertical" requiredMark={false} disabled={busy}>
          <SopField loading={sops.isPending} value={sopId} onChange={setSopId} offered={offered} />
          <ContactFields form={form} mapping={mapping} errorFor={errorFor} />
          <DuplicateWarning matches={matches} />
          <SourceField def={mapping.source} />
          {mapping.note && (
            <Form.Item name="note" label={loc(mapping.note.label)}>
              <Input.TextArea
                data-testid="capture-note"
                autoSize={{ minRows: 2, maxRows: 6 }}
                maxLength={2000}
              />
            </Form.Item>
          )}
          {isManager && (
            <OwnerField value={owner} onChange={setOwner} users={users.data ?? []} meId={me?.id} />
          )}
        </Form>
      </div>
    </Drawer>
  );
}

function DuplicateWarning({ matches }: { matches: DuplicateMatch[] }) {
  const { t } = useTranslation();
  if (!matches.length) return null;
  const on = (m: DuplicateMatch) => m.matchedOn.map((k) => t(`rep.capture.on.${k}`)).join('、');
  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      className="rep-dup"
      data-testid="duplicate-warning"
      title={t('rep.capture.dupTitle', { count: matches.length })}
      description={
        <ul className="rep-dup-list">
          {matches.slice(0, 5).map((m, i) => (
            <li
              key={m.record?.id ?? `hidden-${i}`}
              data-testid="duplicate-item"
              data-visible={m.visible ? 'true' : 'false'}
            >
              {m.visible && m.record ? (
                <>
                  <Link to={`/records/${m.record.id}`} data-testid="duplicate-link">
                    {m.record.name ?? m.record.company ?? t('rep.untitled')}
                    {m.record.company && m.record.name ? ` · ${m.record.company}` : ''}
                  </Link>
                  <Typography.Text type="secondary">
                    {' '}
                    {t('rep.capture.dupVisible', {
                      on: on(m),
                      owner: m.ownerName ?? t('rep.nobody'),
                      stage:
                        m.record.stages.map((s) => loc(s)).join('、') ||
                        t(`rep.status.${m.record.status}`),
                    })}
                  </Typography.Text>
                </>
              ) : (
                <span data-testid="duplicate-hidden">
                  {t('rep.capture.dupHidden', { on: on(m), owner: m.ownerName ?? t('rep.nobody') })}
                </span>
              )}
            </li>
          ))}
        </ul>
      }
    />
  );
}
