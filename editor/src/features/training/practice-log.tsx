/** The practice run's clock, what the engine would have sent, the run's log and the outcome of a step. */
import {
  BellOutlined,
  ClockCircleOutlined,
  FastForwardOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../../shared/api/directory.ts';
import { dateTimeWords, loc, spanWords } from '../../shared/format/words.ts';
import type { LogEntry, Notice, Outcome, Practice, PracticeCommand, Recipient } from './api.ts';

import { dedupe, HOUR, type StageIndex, timerText, titleIn } from './practice-index.ts';

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

export function ClockCard({
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

export function LogList({
  log,
  index,
  start,
}: {
  log: LogEntry[];
  index: StageIndex;
  start: number;
}) {
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

export function OutcomePanel({ outcome, index }: { outcome: Outcome; index: StageIndex }) {
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
