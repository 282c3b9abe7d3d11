/**
 * The simulator panel: run the draft on an in-memory record — a fresh one, or a copy of a
 * live record — take actions, fill fields, tick checklists, watch gates pass or fail with
 * the trace of each condition and owner rule, move the clock to fire escalation rungs, and
 * replay any path from the start to a final stage.
 */
import {
  BellOutlined,
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  CopyOutlined,
  FastForwardOutlined,
  PlayCircleOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  type Actor,
  activeStages,
  enumeratePaths,
  type FieldDef,
  type Fields,
  type FieldValue,
  type SopDocument,
  type SopPath,
} from '@closeloop/engine';
import { useMachine } from '@xstate/react';
import {
  Alert,
  Button,
  Checkbox,
  Collapse,
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
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { spanWords } from '../../shared/format/words.ts';
import { HandoffLines } from './handoff-badge.tsx';
import { ClonePicker } from './sim/clone-picker.tsx';
import { type SimPeople, useSimPeople } from './sim/people.ts';
import { GateTraces, OwnerTraceView } from './sim/trace-view.tsx';
import { simMachine, type TraceEntry } from './sim-machine.ts';
import { actionLabels, type Lang, stageName } from './sop-words.ts';
import { useEditor, useEditorStore } from './store.ts';

const HOUR = 3_600_000;

const langOfI18n = (language: string): Lang => (language === 'en' ? 'en' : 'zh-CN');

function formatSimTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function FieldInput({
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
function timerKindWords(kind: string, t: T): string {
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

function TraceList({ trace, doc }: { trace: TraceEntry[]; doc: SopDocument }) {
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

function PathsList({ doc, onReplay }: { doc: SopDocument; onReplay: (p: SopPath) => void }) {
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

export function Simulator() {
  const { t, i18n } = useTranslation();
  const store = useEditorStore();
  const revision = useEditor((s) => s.revision);
  const problems = useEditor((s) => s.problems.length);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new document per revision
  const doc = useMemo(() => store.toDocument(), [store, revision]);
  const [snap, send] = useMachine(simMachine, { input: { doc, role: 'rep' } });
  const [fields, setFields] = useState<Fields>({});
  const people = useSimPeople();
  const [cloning, setCloning] = useState(false);
  const [cloneNotes, setCloneNotes] = useState<{ dropped: string[]; pastRungs: number } | null>(
    null,
  );
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { sim, error } = snap.context;
  const busy = snap.matches('running');

  useEffect(() => {
    send({ type: 'SET_DOC', doc });
  }, [doc, send]);

  const record = sim.record;
  const active = useMemo(() => (record ? activeStages(record.value) : []), [record]);
  useEffect(() => {
    store.actions.setHighlighted(active);
    return () => store.actions.setHighlighted([]);
  }, [active, store]);

  const run = (cmd: Parameters<typeof send>[0] & { type: 'RUN' }) => send(cmd);
  const stageFields = useMemo(() => {
    const keys = new Set<string>();
    for (const a of sim.open) for (const f of a.fields) keys.add(f);
    for (const id of active) {
      const stage = findStage(doc, id);
      for (const f of stage?.fields ?? []) keys.add(f);
    }
    const list = doc.fields.filter((f) => keys.has(f.key));
    return list.length ? list : doc.fields;
  }, [doc, sim.open, active]);

  const nextTimer = record ? [...record.timers].sort((a, b) => a.dueAt - b.dueAt)[0] : undefined;

  return (
    <div className="simulator panel-form" data-testid="simulator">
      {problems > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('publish.hasProblems', { count: problems })}
          style={{ marginBottom: 8 }}
        />
      )}
      <Space wrap style={{ marginBottom: 8 }}>
        <Button
          type="primary"
          icon={record ? <ReloadOutlined /> : <PlayCircleOutlined />}
          onClick={() => {
            setFields({});
            setCloneNotes(null);
            run({ type: 'RUN', cmd: { type: 'start' } });
          }}
          loading={busy}
          data-testid="sim-start"
        >
          {record ? t('simulator.reset') : t('simulator.start')}
        </Button>
        <Button
          icon={<CopyOutlined />}
          onClick={() => setCloning((v) => !v)}
          disabled={busy}
          data-testid="sim-clone-open"
        >
          {t('simulator.clone.open')}
        </Button>
        <Select<Actor['role']>
          value={sim.role}
          onChange={(role) => send({ type: 'SET_ROLE', role })}
          options={(['rep', 'manager', 'trainer', 'admin'] as const).map((r) => ({
            value: r,
            label: `${t('simulator.asRole')}: ${t(`app.roles.${r}`)}`,
          }))}
          style={{ width: 150 }}
          data-testid="sim-role"
        />
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      {cloning && (
        <ClonePicker
          doc={doc}
          onCancel={() => setCloning(false)}
          onLoad={(cmd, notes) => {
            setFields({});
            setCloneNotes(notes);
            setCloning(false);
            run({ type: 'RUN', cmd: { type: 'load', ...cmd } });
          }}
          onFresh={(startFields, from) => {
            setFields({});
            setCloneNotes(null);
            setCloning(false);
            run({ type: 'RUN', cmd: { type: 'start', fields: startFields, from } });
          }}
        />
      )}
      {sim.clone && (
        <Alert
          type="info"
          showIcon
          data-testid="sim-clone-banner"
          style={{ marginBottom: 8 }}
          title={t('simulator.clone.banner', {
            label: sim.clone.label,
            version: sim.clone.sopVersion,
          })}
          description={
            <>
              {cloneNotes?.dropped.length ? (
                <div>{t('simulator.clone.dropped', { fields: cloneNotes.dropped.join(', ') })}</div>
              ) : null}
              {cloneNotes?.pastRungs ? (
                <div>{t('simulator.clone.pastRungs', { count: cloneNotes.pastRungs })}</div>
              ) : null}
              {record && record.status !== 'open' ? (
                <div>{t('simulator.clone.closed', { status: record.status })}</div>
              ) : null}
            </>
          }
        />
      )}
      {record && (
        <>
          <div className="sim-status">
            <div>
              <Typography.Text type="secondary">{t('simulator.now')}: </Typography.Text>
              <Typography.Text data-testid="sim-now">
                {formatSimTime(sim.now, i18n.language)}
              </Typography.Text>
            </div>
            <div>
              <Typography.Text type="secondary">{t('simulator.current')}: </Typography.Text>
              <span data-testid="sim-current">
                {active.map((s) => (
                  <Tag key={s} color="blue" data-stage={s}>
                    {stageName(doc, s, lang)}
                  </Tag>
                ))}
              </span>
              {record.status !== 'open' && (
                <Tag
                  color={
                    record.status === 'won' ? 'green' : record.status === 'lost' ? 'red' : 'default'
                  }
                  data-testid="sim-status"
                >
                  {t('simulator.closed', { status: record.status })}
                </Tag>
              )}
            </div>
            <div>
              <Typography.Text type="secondary">{t('simulator.owner')}: </Typography.Text>
              <Typography.Text data-testid="sim-owner" data-owner={record.ownerId ?? ''}>
                {people.who(record.ownerId)}
                {record.teamId ? ` · ${people.team(record.teamId)}` : ''}
              </Typography.Text>
            </div>
          </div>

          <Typography.Title level={5}>{t('simulator.actions')}</Typography.Title>
          <div className="sim-actions" data-testid="sim-actions">
            {sim.open.length === 0 && <Typography.Text type="secondary">—</Typography.Text>}
            {sim.open.map((a) => (
              <div
                key={a.action}
                className={`sim-action ${a.passed ? 'passed' : 'failed'}`}
                data-testid={`sim-action-${a.action}`}
                data-passed={a.passed}
              >
                <Space wrap>
                  <Button
                    size="small"
                    type={a.passed && a.allowed ? 'primary' : 'default'}
                    disabled={busy}
                    onClick={() =>
                      run({ type: 'RUN', cmd: { type: 'perform', action: a.action, fields } })
                    }
                    data-testid={`sim-take-${a.action}`}
                  >
                    {a.label[lang] || a.action}
                  </Button>
                  {a.passed ? (
                    <Tag icon={<CheckCircleFilled />} color="success">
                      {t('simulator.passed')}
                    </Tag>
                  ) : (
                    <Tag icon={<CloseCircleFilled />} color="error">
                      {t('simulator.blocked')}
                    </Tag>
                  )}
                  {!a.allowed && <Tag color="warning">{t('simulator.notAllowed')}</Tag>}
                  {a.target && (
                    <Typography.Text type="secondary" data-testid="sim-action-target">
                      → {stageName(doc, a.target, lang)}
                    </Typography.Text>
                  )}
                </Space>
                {a.failures.map((f) => (
                  <div key={f.path} className="gate-failure">
                    <CloseCircleFilled /> {f.message[lang]}
                  </div>
                ))}
                {sim.why[a.action]?.some((g) => g.trace) && (
                  <Collapse
                    ghost
                    size="small"
                    className="sim-why"
                    items={[
                      {
                        key: 'why',
                        label: (
                          <span data-testid={`sim-why-${a.action}`}>{t('simulator.why')}</span>
                        ),
                        children: <GateTraces doc={doc} gates={sim.why[a.action] ?? []} />,
                      },
                    ]}
                  />
                )}
              </div>
            ))}
          </div>

          {stageFields.length > 0 && (
            <>
              <Typography.Title level={5}>{t('simulator.fillFields')}</Typography.Title>
              <div className="sim-fields">
                {stageFields.map((f) => (
                  <div key={f.key} className="sim-field">
                    <span>{f.label[lang] || f.key}</span>
                    <FieldInput
                      def={f}
                      value={fields[f.key] ?? record.fields[f.key]}
                      onChange={(v) => setFields((x) => ({ ...x, [f.key]: v }))}
                    />
                  </div>
                ))}
              </div>
              <Button
                size="small"
                disabled={busy || Object.keys(fields).length === 0}
                onClick={() => {
                  run({ type: 'RUN', cmd: { type: 'edit', fields } });
                  setFields({});
                }}
                data-testid="sim-apply-fields"
                style={{ marginTop: 6 }}
              >
                {t('simulator.applyFields')}
              </Button>
            </>
          )}
          <Checklists
            doc={doc}
            active={active}
            done={record.checklist}
            onToggle={(stage, items) =>
              run({ type: 'RUN', cmd: { type: 'edit', checklist: { [stage]: items } } })
            }
          />

          <Typography.Title level={5}>
            <ClockCircleOutlined /> {t('simulator.timers')}
          </Typography.Title>
          <div className="sim-timers" data-testid="sim-timers">
            {record.timers.length === 0 && (
              <Typography.Text type="secondary">{t('simulator.noTimers')}</Typography.Text>
            )}
            {[...record.timers]
              .sort((a, b) => a.dueAt - b.dueAt)
              .map((tm) => (
                <div key={tm.id} data-testid={`sim-timer-${tm.kind}`}>
                  <Tag>
                    {tm.rung < 0
                      ? t('simulator.deadline')
                      : t('simulator.rung', { n: tm.rung + 1 })}
                  </Tag>
                  {timerKindWords(tm.kind, t)} · {stageName(doc, tm.stage, lang)} ·{' '}
                  {formatSimTime(tm.dueAt, i18n.language)} (
                  {tm.dueAt > sim.now
                    ? t('simulator.dueIn', { span: spanWords(tm.dueAt - sim.now, t) })
                    : t('simulator.dueNow')}
                  )
                </div>
              ))}
          </div>
          <Space wrap style={{ margin: '8px 0' }}>
            <Button
              icon={<FastForwardOutlined />}
              disabled={!nextTimer || busy}
              onClick={() => run({ type: 'RUN', cmd: { type: 'next-timer' } })}
              data-testid="sim-next-timer"
            >
              {t('simulator.nextTimer')}
            </Button>
            <Button
              size="small"
              disabled={busy}
              onClick={() => run({ type: 'RUN', cmd: { type: 'advance', ms: HOUR } })}
              data-testid="sim-advance-1h"
            >
              +1h
            </Button>
            <Button
              size="small"
              disabled={busy}
              onClick={() => run({ type: 'RUN', cmd: { type: 'advance', ms: 24 * HOUR } })}
              data-testid="sim-advance-1d"
            >
              +1d
            </Button>
          </Space>
        </>
      )}
      <Collapse
        size="small"
        defaultActiveKey={['trace']}
        items={[
          {
            key: 'trace',
            label: t('simulator.log'),
            children: sim.trace.length ? (
              <TraceList trace={sim.trace} doc={doc} />
            ) : (
              <Typography.Text type="secondary">—</Typography.Text>
            ),
          },
          {
            key: 'paths',
            label: <span data-testid="sim-paths-toggle">{t('simulator.paths')}</span>,
            children: (
              <>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                  {t('simulator.replayNote')}
                </Typography.Paragraph>
                <PathsList
                  doc={doc}
                  onReplay={(path) => run({ type: 'RUN', cmd: { type: 'replay', path } })}
                />
              </>
            ),
          },
        ]}
      />
    </div>
  );
}

function findStage(doc: SopDocument, id: string) {
  let states = doc.machine.states;
  let node: (typeof states)[string] | undefined;
  for (const part of id.split('.')) {
    node = states[part];
    if (!node) return undefined;
    states = node.states ?? {};
  }
  return node?.meta?.stage;
}

function Checklists({
  doc,
  active,
  done,
  onToggle,
}: {
  doc: SopDocument;
  active: string[];
  done: Record<string, string[]>;
  onToggle: (stage: string, items: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const lists = active
    .map((id) => ({ id, items: findStage(doc, id)?.checklist ?? [] }))
    .filter((x) => x.items.length > 0);
  if (!lists.length) return null;
  return (
    <>
      <Typography.Title level={5}>{t('simulator.checklist')}</Typography.Title>
      {lists.map((l) => (
        <Checkbox.Group
          key={l.id}
          className="sim-checklist"
          value={done[l.id] ?? []}
          onChange={(v) => onToggle(l.id, v as string[])}
          options={l.items.map((i) => ({ value: i.id, label: i.label[lang] || i.id }))}
          data-testid={`sim-checklist-${l.id}`}
        />
      ))}
    </>
  );
}
