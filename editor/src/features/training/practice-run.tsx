/**
 * One practice run, step by step: the sandbox banner, the simulated clock (advance it to meet
 * the escalations), each current stage's guidance with its checklist and fields, the actions
 * open now with what each needs, what the engine would have sent, and the run's log.
 */
import {
  ArrowRightOutlined,
  BellOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  ExclamationCircleOutlined,
  FastForwardOutlined,
  LockOutlined,
  SaveOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import type { FieldDef } from '@closeloop/engine';
import { type StageMeta, StageMeta as StageMetaSchema } from '@closeloop/engine';
import { Alert, Button, Card, Checkbox, Form, Space, Tag, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../../shared/api/directory.ts';
import { dateTimeWords, loc, spanWords } from '../../shared/format/words.ts';
import { InstructionsBlock, ScriptBlock, SlaBlock } from '../../shared/sop/stage-guidance.tsx';
import { cleanValue, FieldInput } from '../../shared/ui/field-input.tsx';
import {
  type AssignmentDetail,
  type FieldValue,
  type GateFailure,
  type LogEntry,
  type Notice,
  type Outcome,
  type Practice,
  type PracticeAction,
  type PracticeCommand,
  type Recipient,
  type Timer,
  usePracticeCommand,
} from './api.ts';

const HOUR = 3_600_000;

export type StageIndex = Map<string, { parentId: string | null; meta: StageMeta | null }>;

export function stageIndex(detail: AssignmentDetail): StageIndex {
  return new Map(
    detail.stages.map((s) => {
      const r = StageMetaSchema.safeParse(s.meta);
      return [s.id, { parentId: s.parentId, meta: r.success ? r.data : null }];
    }),
  );
}

export function titleIn(index: StageIndex, id: string | null | undefined): string {
  if (!id) return '';
  return loc(index.get(id)?.meta?.title, id.split('.').pop() ?? id);
}

/** "跟进与转化 › 首次联系": the stage with its ancestors. */
function breadcrumb(index: StageIndex, id: string): string {
  const parts: string[] = [];
  for (let cur: string | null = id; cur; cur = index.get(cur)?.parentId ?? null)
    parts.unshift(titleIn(index, cur));
  return parts.join(' › ');
}

/** A team's name by id (a new hire knows 华东销售一部, not `sales`). */
function useTeamName() {
  const teams = useTeams();
  return (id: string | null | undefined): string =>
    id ? (teams.data?.find((tm) => tm.id === id)?.name ?? id) : '—';
}

function useRecipient() {
  const { t } = useTranslation();
  const teamName = useTeamName();
  return (r: Recipient | null): string => {
    if (!r) return t('training.notice.nobody');
    if (r.kind === 'you') return t('training.notice.you');
    if (r.kind === 'manager') return t('training.notice.manager', { team: teamName(r.team) });
    return r.id;
  };
}

export function NoticeLine({ notice }: { notice: Notice }) {
  const { t, i18n } = useTranslation();
  const who = useRecipient();
  const teamName = useTeamName();
  if (notice.type === 'notify') {
    return (
      <span>
        <BellOutlined />{' '}
        {t('training.notice.notify', {
          who: notice.to.map(who).join(t('library.listSep')),
          message: loc(notice.message),
        })}
      </span>
    );
  }
  if (notice.type === 'webhook')
    return (
      <span data-testid="notice-webhook">
        {t('training.notice.webhook', {
          // the record event's name in words (创建记录), the code only when it has none
          event: i18n.exists(`customers.event.${notice.event}`)
            ? t(`customers.event.${notice.event}`)
            : notice.event,
        })}
      </span>
    );
  return (
    <span>
      <UserSwitchOutlined />{' '}
      {t('training.notice.assign', { who: who(notice.to), team: teamName(notice.team) })}
    </span>
  );
}

function timerText(index: StageIndex, timer: Pick<Timer, 'kind' | 'stage'>, t: TFunction) {
  return t(`training.timer.${timer.kind}`, { stage: titleIn(index, timer.stage) });
}

function ClockCard({
  practice,
  index,
  busy,
  onAdvance,
}: {
  practice: Practice;
  index: StageIndex;
  busy: boolean;
  onAdvance: (cmd: PracticeCommand) => void;
}) {
  const { t } = useTranslation();
  const next = practice.nextTimer;
  return (
    <Card size="small" className="tr-card tr-clock" data-testid="practice-clock">
      <div className="tr-clock-row">
        <ClockCircleOutlined className="tr-clock-icon" />
        <div>
          <div>
            <Typography.Text strong data-testid="practice-now">
              {dateTimeWords(practice.simNow)}
            </Typography.Text>{' '}
            <Typography.Text type="secondary">
              {t('training.clock.elapsed', {
                span: spanWords(practice.simNow - practice.simStart, t),
              })}
            </Typography.Text>
          </div>
          <Typography.Text type="secondary" className="tr-small" data-testid="practice-next-timer">
            {next
              ? t('training.clock.next', {
                  span: spanWords(next.dueAt - practice.simNow, t),
                  what: timerText(index, next, t),
                })
              : t('training.clock.noTimer')}
          </Typography.Text>
        </div>
      </div>
      <Space wrap className="tr-clock-buttons">
        <Button
          icon={<FastForwardOutlined />}
          type="primary"
          ghost
          disabled={!next || busy}
          data-testid="advance-next"
          onClick={() => onAdvance({ type: 'advance', toNextTimer: true })}
        >
          {t('training.clock.toNext')}
        </Button>
        <Button
          disabled={busy}
          data-testid="advance-hour"
          onClick={() => onAdvance({ type: 'advance', ms: HOUR })}
        >
          {t('training.clock.plusHour')}
        </Button>
        <Button
          disabled={busy}
          data-testid="advance-day"
          onClick={() => onAdvance({ type: 'advance', ms: 24 * HOUR })}
        >
          {t('training.clock.plusDay')}
        </Button>
      </Space>
    </Card>
  );
}

type Draft = Record<string, FieldValue>;

function FieldsForm({
  keys,
  defs,
  draft,
  errors,
  users,
  disabled,
  onField,
}: {
  keys: string[];
  defs: Map<string, FieldDef>;
  draft: Draft;
  errors: Set<string>;
  users: Array<{ id: string; name: string }>;
  disabled: boolean;
  onField: (key: string, v: FieldValue) => void;
}) {
  const shown = keys.map((k) => defs.get(k)).filter((d): d is FieldDef => !!d);
  if (!shown.length) return null;
  return (
    <Form layout="vertical" className="tr-fields" component="div">
      {shown.map((def) => (
        <Form.Item
          key={def.key}
          label={loc(def.label, def.key)}
          className="tr-field"
          htmlFor={`field-${def.key}`}
        >
          <FieldInput
            def={def}
            value={draft[def.key]}
            users={users}
            disabled={disabled}
            {...(errors.has(def.key) ? { status: 'error' as const } : {})}
            onChange={(v) => onField(def.key, v)}
          />
        </Form.Item>
      ))}
    </Form>
  );
}

function StageCard({
  id,
  practice,
  index,
  fieldKeys,
  defs,
  draft,
  errors,
  users,
  busy,
  onField,
  onTick,
}: {
  id: string;
  practice: Practice;
  index: StageIndex;
  fieldKeys: string[];
  defs: Map<string, FieldDef>;
  draft: Draft;
  errors: Set<string>;
  users: Array<{ id: string; name: string }>;
  busy: boolean;
  onField: (key: string, v: FieldValue) => void;
  onTick: (stageId: string, done: string[]) => void;
}) {
  const { t } = useTranslation();
  const meta = index.get(id)?.meta ?? undefined;
  const entered = practice.record.stages[id]?.enteredAt;
  const ticked = practice.record.checklist[id] ?? [];
  const slaOwner = [id, ...ancestors(index, id)].find((s) => index.get(s)?.meta?.sla);
  return (
    <Card
      size="small"
      className="tr-card tr-stage"
      data-testid={`practice-stage-${id}`}
      title={
        <div className="tr-stage-title">
          <span>{breadcrumb(index, id)}</span>
          {entered !== undefined && (
            <Tag className="tr-time-tag">
              {t('training.inStage', { span: spanWords(practice.simNow - entered, t) })}
            </Tag>
          )}
          {practice.record.overdue && <Tag color="red">{t('training.overdue')}</Tag>}
        </div>
      }
    >
      <div className="tr-stage-body">
        <InstructionsBlock meta={meta} />
        <ScriptBlock meta={meta} />
        {meta?.checklist?.length ? (
          <section className="lib-section">
            <Typography.Text type="secondary" className="lib-label">
              {t('library.guide.checklist')}
            </Typography.Text>
            <div className="tr-checklist">
              {meta.checklist.map((c) => (
                <Checkbox
                  key={c.id}
                  checked={ticked.includes(c.id)}
                  disabled={busy}
                  data-testid={`check-${id}-${c.id}`}
                  onChange={(e) =>
                    onTick(
                      id,
                      e.target.checked ? [...ticked, c.id] : ticked.filter((x) => x !== c.id),
                    )
                  }
                >
                  {loc(c.label)}
                </Checkbox>
              ))}
            </div>
          </section>
        ) : null}
        <FieldsForm
          keys={fieldKeys}
          defs={defs}
          draft={draft}
          errors={errors}
          users={users}
          disabled={busy}
          onField={onField}
        />
        {slaOwner && <SlaBlock meta={index.get(slaOwner)?.meta ?? undefined} />}
      </div>
    </Card>
  );
}

function ancestors(index: StageIndex, id: string): string[] {
  const out: string[] = [];
  for (let cur = index.get(id)?.parentId ?? null; cur; cur = index.get(cur)?.parentId ?? null)
    out.push(cur);
  return out;
}

function dedupe(failures: GateFailure[]): GateFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const k = loc(f.message);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function ActionRow({
  a,
  index,
  busy,
  pending,
  onAct,
}: {
  a: PracticeAction;
  index: StageIndex;
  busy: boolean;
  pending: string | null;
  onAct: (a: PracticeAction) => void;
}) {
  const { t } = useTranslation();
  const ready = a.passed;
  return (
    <div
      className={`tr-action ${ready ? 'ready' : 'blocked'}`}
      data-testid={`practice-action-row-${a.action}`}
    >
      <Button
        block
        size="large"
        type={ready ? 'primary' : 'default'}
        icon={
          !a.allowed ? (
            <LockOutlined />
          ) : ready ? (
            <CheckCircleOutlined />
          ) : (
            <ExclamationCircleOutlined />
          )
        }
        loading={busy && pending === a.action}
        disabled={busy && pending !== a.action}
        data-testid={`practice-action-${a.action}`}
        data-passed={a.passed ? 'true' : 'false'}
        onClick={() => onAct(a)}
      >
        {loc(a.label, a.action)}
      </Button>
      <div className="tr-action-info">
        {a.target && (
          <Typography.Text type="secondary" className="tr-small">
            <ArrowRightOutlined /> {titleIn(index, a.target)}
          </Typography.Text>
        )}
        {a.actingAs && (
          <Tag color="purple" className="tr-acting">
            {t('training.actingAs', { role: t(`app.roles.${a.actingAs}`) })}
          </Tag>
        )}
        {ready ? (
          <Typography.Text type="success" className="tr-small">
            {t('training.ready')}
          </Typography.Text>
        ) : (
          <div className="tr-needs" data-testid={`practice-needs-${a.action}`}>
            <Typography.Text type="warning" className="tr-small">
              {t('training.needs')}
            </Typography.Text>
            <ul>
              {dedupe(a.failures).map((f) => (
                <li key={f.path}>{loc(f.message)}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}

function LogList({ log, index, start }: { log: LogEntry[]; index: StageIndex; start: number }) {
  const { t } = useTranslation();
  const items = [...log].reverse().map((e, i) => {
    const head =
      e.kind === 'created'
        ? t('training.log.created')
        : e.kind === 'action'
          ? t('training.log.action', { action: loc(e.label, e.action ?? '') })
          : e.kind === 'timer' && e.timer
            ? timerText(index, e.timer, t)
            : t('training.log.edit');
    return {
      key: `${e.at}-${log.length - i}`,
      color: e.kind === 'timer' ? 'orange' : e.kind === 'action' ? 'blue' : 'gray',
      content: (
        <div className="tr-log-entry">
          <div>
            <Typography.Text strong>{head}</Typography.Text>
            {e.actingAs && (
              <Tag color="purple" className="tr-acting">
                {t('training.actingAs', { role: t(`app.roles.${e.actingAs}`) })}
              </Tag>
            )}
          </div>
          <Typography.Text type="secondary" className="tr-small">
            {dateTimeWords(e.at)} · +{spanWords(e.at - start, t)}
            {e.entered.length > 0 &&
              ` · ${t('training.log.entered', { stages: e.entered.map((s) => titleIn(index, s)).join(t('library.listSep')) })}`}
          </Typography.Text>
          {e.notices.map((n, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: notices have no identity of their own
            <div key={j} className="tr-small">
              <NoticeLine notice={n} />
            </div>
          ))}
        </div>
      ),
    };
  });
  return <Timeline items={items} data-testid="practice-log" />;
}

function OutcomePanel({ outcome, index }: { outcome: Outcome; index: StageIndex }) {
  const { t } = useTranslation();
  if (!outcome.ok && outcome.rejection) {
    const failures = dedupe(outcome.rejection.failures);
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="practice-rejection"
        title={loc(outcome.rejection.message)}
        description={
          failures.length ? (
            <ul className="tr-plain-list">
              {failures.map((f) => (
                <li key={f.path}>{loc(f.message)}</li>
              ))}
            </ul>
          ) : undefined
        }
      />
    );
  }
  if (!outcome.fired.length && !outcome.notices.length) return null;
  return (
    <Alert
      type="info"
      showIcon
      icon={<BellOutlined />}
      data-testid="practice-notices"
      title={t('training.justHappened')}
      description={
        <div className="tr-plain-list">
          {outcome.fired.map((f) => (
            <div key={`${f.stage}-${f.rung}-${f.at}`}>
              <ClockCircleOutlined /> {timerText(index, f, t)} · {dateTimeWords(f.at)}
            </div>
          ))}
          {outcome.notices.map((n, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: notices have no identity of their own
            <div key={i}>
              <NoticeLine notice={n} />
            </div>
          ))}
          <Typography.Text type="secondary" className="tr-small">
            {t('training.notSent')}
          </Typography.Text>
        </div>
      }
    />
  );
}

/** Which fields each current stage shows: its own, then those its open actions ask for. */
function fieldsByStage(practice: Practice, index: StageIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const placed = new Set<string>();
  const leaves = practice.record.currentStages;
  for (const id of leaves) {
    const keys = (index.get(id)?.meta?.fields ?? []).filter((k) => !placed.has(k));
    for (const k of keys) placed.add(k);
    out.set(id, keys);
  }
  for (const a of practice.actions) {
    const home =
      leaves.find((l) => l === a.from || l.startsWith(`${a.from}.`) || a.from === '') ?? leaves[0];
    if (!home) continue;
    const list = out.get(home) ?? [];
    for (const k of a.fields) {
      if (placed.has(k)) continue;
      placed.add(k);
      list.push(k);
    }
    out.set(home, list);
  }
  return out;
}

export function PracticeRun({
  detail,
  practice,
  defs,
  users,
}: {
  detail: AssignmentDetail;
  practice: Practice;
  defs: Map<string, FieldDef>;
  users: Array<{ id: string; name: string }>;
}) {
  const { t } = useTranslation();
  const index = useMemo(() => stageIndex(detail), [detail]);
  const command = usePracticeCommand(detail.assignment.id);
  const [draft, setDraft] = useState<Draft>(practice.record.fields);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const stored = useRef(practice.record.fields);
  // a saved step brings the stored fields; edits not yet saved stay in the draft
  useEffect(() => {
    const before = stored.current;
    const now = practice.record.fields;
    stored.current = now;
    setDraft((d) => {
      const next: Draft = { ...now };
      for (const [k, v] of Object.entries(d)) {
        if (JSON.stringify(v ?? null) !== JSON.stringify(before[k] ?? null)) next[k] = v;
      }
      return next;
    });
  }, [practice.record.fields]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run starts with a clean slate
  useEffect(() => setOutcome(null), [practice.id]);

  const changed = (): Record<string, FieldValue> => {
    const out: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(draft)) {
      const clean = cleanValue(defs.get(k), v);
      if (JSON.stringify(clean) !== JSON.stringify(practice.record.fields[k] ?? null))
        out[k] = clean;
    }
    return out;
  };
  const send = (cmd: PracticeCommand, key: string) => {
    setPending(key);
    command.mutate(
      { sessionId: practice.id, version: practice.version, command: cmd },
      {
        onSuccess: (r) => setOutcome(r.outcome),
        onSettled: () => setPending(null),
      },
    );
  };
  const busy = command.isPending;
  const errors = new Set(outcome?.rejection?.failures.flatMap((f) => f.fields) ?? []);
  const byStage = fieldsByStage(practice, index);
  const dirty = Object.keys(changed()).length > 0;

  return (
    <div className="tr-run" data-testid="practice-run">
      <Alert
        type="info"
        showIcon
        className="tr-sandbox"
        data-testid="practice-sandbox"
        title={t('training.sandbox')}
      />
      <ClockCard
        practice={practice}
        index={index}
        busy={busy}
        onAdvance={(cmd) => send(cmd, 'advance')}
      />
      {outcome && <OutcomePanel outcome={outcome} index={index} />}
      <div className="tr-run-grid">
        <div className="tr-run-main">
          {practice.record.currentStages.map((id) => (
            <StageCard
              key={id}
              id={id}
              practice={practice}
              index={index}
              fieldKeys={byStage.get(id) ?? []}
              defs={defs}
              draft={draft}
              errors={errors}
              users={users}
              busy={busy}
              onField={(k, v) => setDraft((d) => ({ ...d, [k]: v }))}
              onTick={(stageId, done) =>
                send({ type: 'edit', checklist: { [stageId]: done } }, 'tick')
              }
            />
          ))}
          {dirty && (
            <Button
              icon={<SaveOutlined />}
              disabled={busy}
              data-testid="practice-save"
              onClick={() => send({ type: 'edit', fields: changed() }, 'save')}
            >
              {t('training.saveFields')}
            </Button>
          )}
        </div>
        <div className="tr-run-side">
          <Card
            size="small"
            className="tr-card"
            title={t('training.actions')}
            data-testid="practice-actions"
          >
            <div className="tr-actions">
              {practice.actions.map((a) => (
                <ActionRow
                  key={a.action}
                  a={a}
                  index={index}
                  busy={busy}
                  pending={pending}
                  onAct={(x) =>
                    send({ type: 'perform', action: x.action, fields: changed() }, x.action)
                  }
                />
              ))}
            </div>
          </Card>
          <Card size="small" className="tr-card" title={t('training.logTitle')}>
            <LogList log={practice.log} index={index} start={practice.simStart} />
          </Card>
        </div>
      </div>
    </div>
  );
}
