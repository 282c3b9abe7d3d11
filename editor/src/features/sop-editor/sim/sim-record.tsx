/** The simulated record: where it is and whose, its actions with their gates, the fields and checklists to fill, its timers. */
import {
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  FastForwardOutlined,
} from '@ant-design/icons';
import type { FieldDef, Fields, RecordState, SopDocument } from '@closeloop/engine';
import { Button, Checkbox, Collapse, Space, Tag, Typography } from 'antd';
import type { Dispatch, SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { spanWords } from '../../../shared/format/words.ts';
import type { Sim, SimCommand } from '../sim-machine.ts';
import { type Lang, stageName } from '../sop-words.ts';
import type { SimPeople } from './people.ts';
import { FieldInput, formatSimTime, HOUR, timerKindWords } from './sim-views.tsx';
import { GateTraces } from './trace-view.tsx';

type Run = (cmd: { type: 'RUN'; cmd: SimCommand }) => void;

type Base = {
  doc: SopDocument;
  sim: Sim;
  record: RecordState;
  lang: Lang;
  busy: boolean;
  run: Run;
};

export function SimStatus({
  doc,
  sim,
  record,
  lang,
  active,
  people,
}: Base & { active: string[]; people: SimPeople }) {
  const { t, i18n } = useTranslation();
  return (
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
            color={record.status === 'won' ? 'green' : record.status === 'lost' ? 'red' : 'default'}
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
  );
}

export function SimActions({ doc, sim, lang, busy, run, fields }: Base & { fields: Fields }) {
  const { t } = useTranslation();
  return (
    <>
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
                    label: <span data-testid={`sim-why-${a.action}`}>{t('simulator.why')}</span>,
                    children: <GateTraces doc={doc} gates={sim.why[a.action] ?? []} />,
                  },
                ]}
              />
            )}
          </div>
        ))}
      </div>
    </>
  );
}

type FieldsProps = Base & {
  stageFields: FieldDef[];
  fields: Fields;
  setFields: Dispatch<SetStateAction<Fields>>;
};

export function SimFields({
  record,
  busy,
  run,
  lang,
  stageFields,
  fields,
  setFields,
}: FieldsProps) {
  const { t } = useTranslation();
  if (stageFields.length === 0) return null;
  return (
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
  );
}

export function SimTimers({ doc, sim, record, lang, busy, run }: Base) {
  const { t, i18n } = useTranslation();
  const nextTimer = [...record.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
  return (
    <>
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
                {tm.rung < 0 ? t('simulator.deadline') : t('simulator.rung', { n: tm.rung + 1 })}
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
  );
}

export function findStage(doc: SopDocument, id: string) {
  let states = doc.machine.states;
  let node: (typeof states)[string] | undefined;
  for (const part of id.split('.')) {
    node = states[part];
    if (!node) return undefined;
    states = node.states ?? {};
  }
  return node?.meta?.stage;
}

export function Checklists({
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
