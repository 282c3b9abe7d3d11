/**
 * /training/:assignmentId — the hire's practice of one SOP: practise runs step by step on
 * sandbox records, the list of paths (walked ones ticked), the quiz, and the diagram with the
 * current stage ringed. Progress is shown at the top, as the trainer sees it.
 */
import {
  ArrowLeftOutlined,
  CheckCircleFilled,
  MinusCircleOutlined,
  PlayCircleOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import { parseSop } from '@closeloop/engine';
import {
  Alert,
  Button,
  Card,
  Grid,
  Progress as ProgressBar,
  Result,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod/mini';
import { useMe } from '../../shared/api/queries.ts';
import { loc } from '../../shared/format/words.ts';
import '../../shared/sop/library.css';
import { FieldDef } from '@closeloop/engine';
import { SopDiagram } from '../../shared/sop/sop-diagram.tsx';
import { PageSpinner } from '../../shared/ui/page-spinner.tsx';
import {
  type AssignmentDetail,
  type PathView,
  useAssignedDoc,
  useAssignmentDetail,
  useDirectory,
  useStartPractice,
} from './api.ts';
import { stageIndex, titleIn } from './practice-index.ts';
import { PracticeRun } from './practice-run.tsx';
import { QuizPanel } from './quiz-panel.tsx';
import './training.css';

function PathList({ paths }: { paths: PathView[] }) {
  const { t } = useTranslation();
  return (
    <ol className="tr-paths" data-testid="practice-paths">
      {paths.map((p, i) => (
        <li
          key={p.key}
          className={p.walked ? 'walked' : ''}
          data-testid={`practice-path-${i}`}
          data-walked={p.walked ? 'true' : 'false'}
        >
          <span className="tr-path-mark">
            {p.walked ? (
              <CheckCircleFilled className="tr-right" />
            ) : (
              <MinusCircleOutlined className="tr-todo" />
            )}
          </span>
          <span className="tr-path-steps">
            {p.steps.map((s) => loc(s.label, s.action)).join(' → ')}
            {' ⇒ '}
            <Typography.Text strong>{loc(p.finalTitle, p.final)}</Typography.Text>
          </span>
          {p.walked && <Tag color="green">{t('training.walked')}</Tag>}
        </li>
      ))}
    </ol>
  );
}

function StartCard({ detail, mine }: { detail: AssignmentDetail; mine: boolean }) {
  const { t } = useTranslation();
  const start = useStartPractice(detail.assignment.id);
  const index = useMemo(() => stageIndex(detail), [detail]);
  const last = detail.practice;
  const finished = last?.status === 'finished';
  const matched = finished ? detail.paths.findIndex((p) => p.key === last?.walkedPath) : -1;
  const next = detail.paths.find((p) => !p.walked);
  const button = mine ? (
    <Button
      type="primary"
      size="large"
      icon={<PlayCircleOutlined />}
      loading={start.isPending}
      data-testid="practice-start"
      onClick={() => start.mutate()}
    >
      {finished ? t('training.startAnother') : t('training.startRun')}
    </Button>
  ) : null;
  return (
    <Card className="tr-card" data-testid="practice-start-card">
      {finished && last ? (
        <Result
          status="success"
          data-testid="practice-finished"
          title={t('training.finished', {
            stage: last.record.currentStages
              .map((s) => titleIn(index, s))
              .join(t('library.listSep')),
          })}
          subTitle={
            matched >= 0
              ? t('training.finishedPath', { n: matched + 1, total: detail.paths.length })
              : t('training.finishedNoPath')
          }
          extra={button}
        />
      ) : (
        <div className="tr-start">
          <Typography.Paragraph>{t('training.startIntro')}</Typography.Paragraph>
          {button}
        </div>
      )}
      {next && (
        <Typography.Paragraph type="secondary" className="tr-small tr-next-path">
          {t('training.nextPath')} {next.steps.map((s) => loc(s.label, s.action)).join(' → ')} ⇒{' '}
          {loc(next.finalTitle, next.final)}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

const Fields = z.array(FieldDef);

export function PracticePage() {
  const { t } = useTranslation();
  const { assignmentId = '' } = useParams();
  const me = useMe();
  const detail = useAssignmentDetail(assignmentId);
  const doc = useAssignedDoc(detail.data?.sop.sopId, detail.data?.sop.version);
  const users = useDirectory(true);
  const screens = Grid.useBreakpoint();
  const [tab, setTab] = useState('practice');
  const parsedDoc = useMemo(() => (doc.data ? parseSop(doc.data.doc) : null), [doc.data]);
  const defs = useMemo(() => {
    const r = Fields.safeParse(detail.data?.sop.fields ?? []);
    return new Map((r.success ? r.data : []).map((f) => [f.key, f]));
  }, [detail.data?.sop.fields]);

  if (detail.isPending || me.isPending) return <PageSpinner />;
  if (!detail.data) {
    return (
      <div className="page">
        <Alert type="error" showIcon title={t('training.notFound')} />
        <Link to="/training">{t('training.back')}</Link>
      </div>
    );
  }
  const d = detail.data;
  const progress = d.assignment.progress;
  const mine = d.assignment.user.id === me.data?.id;
  const practice = d.practice;
  const active = practice?.status === 'active' ? practice : null;
  const people = (users.data?.items ?? []).map((u) => ({ id: u.id, name: u.name }));

  return (
    <div className="page tr-practice" data-testid="practice-page">
      <Link to="/training" className="lib-back">
        <ArrowLeftOutlined /> {t('training.back')}
      </Link>
      <div className="tr-practice-head">
        <div>
          <Typography.Title level={3} className="tr-title">
            {loc(d.sop.name, d.sop.sopId)}{' '}
            <Typography.Text type="secondary">v{d.sop.version}</Typography.Text>
          </Typography.Title>
          {!mine && (
            <Typography.Text type="secondary">
              {t('training.viewingOther', { name: d.assignment.user.name })}
            </Typography.Text>
          )}
        </div>
        <div
          className="tr-progress"
          data-testid="practice-progress"
          data-percent={progress.percent}
        >
          <ProgressBar
            percent={progress.percent}
            status={progress.complete ? 'success' : 'active'}
            format={(p) => (progress.complete ? <TrophyOutlined /> : `${p}%`)}
          />
          <Typography.Text type="secondary" className="tr-small">
            {t('training.pathsOf', { walked: progress.pathsWalked, total: progress.pathsTotal })} ·{' '}
            {progress.quizPassed
              ? t('training.quiz.passedShort')
              : progress.quizAttempts > 0
                ? t('training.quiz.notPassedShort')
                : t('training.quiz.notYet')}
          </Typography.Text>
        </div>
      </div>
      {progress.complete && (
        <Alert
          type="success"
          showIcon
          className="tr-complete"
          data-testid="practice-complete"
          title={t('training.allDone')}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          {
            key: 'practice',
            label: <span data-testid="tab-practice">{t('training.tabs.practice')}</span>,
            children:
              active && mine ? (
                <PracticeRun detail={d} practice={active} defs={defs} users={people} />
              ) : (
                <StartCard detail={d} mine={mine} />
              ),
          },
          {
            key: 'paths',
            label: (
              <span data-testid="tab-paths">
                {t('training.tabs.paths', {
                  walked: progress.pathsWalked,
                  total: progress.pathsTotal,
                })}
              </span>
            ),
            children: <PathList paths={d.paths} />,
          },
          ...(mine
            ? [
                {
                  key: 'quiz',
                  label: <span data-testid="tab-quiz">{t('training.tabs.quiz')}</span>,
                  children: <QuizPanel assignmentId={d.assignment.id} progress={progress} />,
                },
              ]
            : []),
          {
            key: 'diagram',
            label: <span data-testid="tab-diagram">{t('training.tabs.diagram')}</span>,
            children: parsedDoc?.ok ? (
              <SopDiagram
                doc={parsedDoc.doc}
                highlight={active?.record.currentStages ?? []}
                height={screens.md ? 560 : 380}
                testId="practice-diagram"
              />
            ) : (
              <PageSpinner />
            ),
          },
        ]}
      />
    </div>
  );
}
