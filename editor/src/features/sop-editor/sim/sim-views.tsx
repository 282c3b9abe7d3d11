/** The simulator's small views: its field input, time in words, the run's log and the SOP's paths to replay. */
import { BellOutlined, CloseCircleFilled, PlayCircleOutlined } from '@ant-design/icons';
import {
  enumeratePaths,
  type FieldDef,
  type FieldValue,
  type SopDocument,
  type SopPath,
} from '@closeloop/engine';
import {
  Button,
  Empty,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Switch,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { HandoffLines } from '../handoff-badge.tsx';
import type { TraceEntry } from '../sim-machine.ts';
import { actionLabels, type Lang, stageName } from '../sop-words.ts';
import { type SimPeople, useSimPeople } from './people.ts';
import { GateTraces, OwnerTraceView } from './trace-view.tsx';

export const HOUR = 3_600_000;

export const langOfI18n = (language: string): Lang => (language === 'en' ? 'en' : 'zh-CN');

export function formatSimTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function FieldInput({
  def,
  value,
  onChange,
}: {
  def: FieldDef;
  value: FieldValue | undefined;
  onChange: (v: FieldValue) => void;
}) {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const testid = `sim-field-${def.key}`;
  switch (def.type) {
    case 'number':
    case 'money':
      return (
        <InputNumber
          value={typeof value === 'number' ? value : null}
          onChange={(n) => onChange(n === null ? null : Number(n))}
          data-testid={testid}
          style={{ width: '100%' }}
        />
      );
    case 'boolean':
      return <Switch checked={value === true} onChange={onChange} data-testid={testid} />;
    case 'select':
    case 'multiSelect':
      return (
        <Select
          mode={def.type === 'multiSelect' ? 'multiple' : undefined}
          allowClear
          value={typeof value === 'string' || Array.isArray(value) ? value : undefined}
          onChange={(v: string | string[] | undefined) => onChange(v ?? null)}
          options={(def.options ?? []).map((o) => ({
            value: o.value,
            label: o.label[lang] || o.value,
          }))}
          data-testid={testid}
          style={{ width: '100%' }}
        />
      );
    default:
      return (
        <Input
          value={
            typeof value === 'string'
              ? value
              : value === null || value === undefined
                ? ''
                : String(value)
          }
          placeholder={
            def.type === 'datetime' || def.type === 'date' ? '2026-11-02T10:00:00+08:00' : undefined
          }
          onChange={(e) => onChange(e.target.value)}
          data-testid={testid}
        />
      );
  }
}

type T = ReturnType<typeof useTranslation>['t'];

/** A timer's kind in words: 通知主管, 时限到期. */
export function timerKindWords(kind: string, t: T): string {
  return kind === 'deadline'
    ? t('simulator.deadlineKind')
    : t(`stage.rungKinds.${kind}`, { defaultValue: kind });
}

/** What a trace entry did, in words: the action's label, 计时到点：通知主管, 填写字段. */
function whatWords(
  what: string,
  labels: Map<string, { 'zh-CN': string; en: string }>,
  lang: Lang,
  t: T,
) {
  if (what === 'create') return t('simulator.what.create');
  if (what === 'edit') return t('simulator.what.edit');
  if (what === 'timer' || what.startsWith('timer:'))
    return t('simulator.what.timer', { kind: timerKindWords(what.slice('timer:'.length), t) });
  return labels.get(what)?.[lang] || what;
}

/** The people a notice went to, by name; the words for "nobody" when it went to no one. */
function recipients(ids: string[], people: SimPeople): string {
  return ids.map(people.who).join('、');
}

export function TraceList({ trace, doc }: { trace: TraceEntry[]; doc: SopDocument }) {
  const { t, i18n } = useTranslation();
  // a copied live record names real people, a fresh run the simulated roster: names for both
  const people = useSimPeople();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const labels = useMemo(() => actionLabels(doc), [doc]);
  return (
    <Timeline
      data-testid="sim-trace"
      items={[...trace].reverse().map((e, i) => ({
        key: `${trace.length - i}`,
        color: e.ok
          ? e.overridden
            ? 'orange'
            : e.what.startsWith('timer')
              ? 'purple'
              : 'green'
          : 'red',
        content: (
          <div
            className="trace-entry"
            data-testid={`sim-trace-${trace.length - 1 - i}`}
            data-ok={e.ok}
            data-what={e.what}
          >
            <Space size={4} wrap>
              <Typography.Text strong data-testid="sim-trace-title">
                {whatWords(e.what, labels, lang, t)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                {formatSimTime(e.at, i18n.language)}
              </Typography.Text>
              {e.overridden && <Tag color="orange">{t('simulator.gateFailed')}</Tag>}
            </Space>
            {e.rejection && (
              <div className="trace-rejection">
                <Typography.Text type="danger">{e.rejection.message[lang]}</Typography.Text>
                {e.rejection.failures.map((f) => (
                  <div key={f.path} className="gate-failure" data-testid="sim-failure">
                    <CloseCircleFilled /> {f.message[lang]}
                  </div>
                ))}
              </div>
            )}
            {e.gates && e.gates.length > 0 && <GateTraces doc={doc} gates={e.gates} />}
            {e.owners?.map((o) => (
              <OwnerTraceView key={o.stage} doc={doc} decision={o} />
            ))}
            {e.events.length > 0 && (
              <div className="trace-events">
                {e.events.map((ev) => (
                  <Tag key={ev.id} className="event-tag" data-type={ev.type}>
                    {t(`simulator.events.${ev.type}`, { defaultValue: ev.type })}
                  </Tag>
                ))}
              </div>
            )}
            {e.events.map((ev) =>
              ev.type === 'escalation.notified' && ev.data.userIds.length === 0 ? (
                <div key={ev.id} className="trace-notify nobody" data-testid="sim-notify-nobody">
                  ⚠ {t('simulator.notifiedNobody')}
                </div>
              ) : null,
            )}
            {e.effects
              .filter((f) => f.type === 'notify')
              .map((f, j) =>
                f.type === 'notify' ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: effects have no ids
                  <div key={j} className="trace-notify" data-testid="sim-notify">
                    <BellOutlined />{' '}
                    {t(`simulator.notifyKinds.${f.kind}`, { defaultValue: f.kind })}:{' '}
                    {f.message[lang]} →{' '}
                    <span data-testid="sim-notify-to">{recipients(f.userIds, people)}</span>
                  </div>
                ) : null,
              )}
            <HandoffLines effects={e.effects} />
          </div>
        ),
      }))}
    />
  );
}

export function PathsList({ doc, onReplay }: { doc: SopDocument; onReplay: (p: SopPath) => void }) {
  const { t, i18n } = useTranslation();
  const lang = langOfI18n(i18n.language);
  const labels = useMemo(() => actionLabels(doc), [doc]);
  const paths = useMemo(() => {
    try {
      return enumeratePaths(doc, 200);
    } catch {
      return [];
    }
  }, [doc]);
  if (!paths.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('simulator.pathsEmpty')} />;
  return (
    <List
      size="small"
      data-testid="sim-paths"
      dataSource={paths}
      renderItem={(p, i) => (
        <List.Item
          data-testid={`sim-path-${i}`}
          actions={[
            <Button
              key="r"
              size="small"
              icon={<PlayCircleOutlined />}
              onClick={() => onReplay(p)}
              data-testid={`sim-replay-${i}`}
            >
              {t('simulator.replay')}
            </Button>,
          ]}
        >
          <Typography.Text style={{ fontSize: 12 }} data-testid="sim-path-text">
            {p.steps.map((s) => labels.get(s.action)?.[lang] || s.action).join(' → ')} ⇒{' '}
            <b>{stageName(doc, p.final, lang)}</b>
          </Typography.Text>
        </List.Item>
      )}
    />
  );
}
