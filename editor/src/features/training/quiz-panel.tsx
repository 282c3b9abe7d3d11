/**
 * The quiz generated from the SOP: one attempt at a time, graded on the server; after a
 * submit each question shows the right answer, and a new attempt brings new questions.
 */
import { CheckCircleFilled, CloseCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Radio, Result, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loc } from '../../shared/format/words.ts';
import { type Progress, type QuizResult, trainingKeys, useQuiz, useSubmitQuiz } from './api.ts';

export function QuizPanel({
  assignmentId,
  progress,
}: {
  assignmentId: string;
  progress: Progress;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const quiz = useQuiz(assignmentId, true);
  const submit = useSubmitQuiz(assignmentId);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [result, setResult] = useState<QuizResult | null>(null);
  const verdict = useRef<HTMLDivElement>(null);
  // the verdict appears below the last question: bring it into view
  useEffect(() => {
    if (result) verdict.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }, [result]);

  if (quiz.isPending) return <Card loading />;
  if (!quiz.data) return <Alert type="error" showIcon title={t('app.error')} />;
  const q = quiz.data;
  const graded = result && result.attempt === q.attempt ? result : null;
  const byQuestion = new Map(graded?.results.map((r) => [r.questionId, r]) ?? []);
  const complete = q.questions.every((x) => answers[x.id]);

  const again = () => {
    setAnswers({});
    setResult(null);
    void qc.invalidateQueries({ queryKey: trainingKeys.quiz(assignmentId) });
  };

  return (
    <div className="tr-quiz" data-testid="quiz">
      {progress.quizPassed && !graded && (
        <Alert
          type="success"
          showIcon
          title={t('training.quiz.alreadyPassed', { score: progress.quizBestScore ?? 0 })}
        />
      )}
      <Typography.Paragraph type="secondary">
        {t('training.quiz.intro', {
          count: q.questions.length,
          needed: q.passNeeded,
          attempt: q.attempt,
        })}
      </Typography.Paragraph>
      {q.questions.map((question, n) => {
        const r = byQuestion.get(question.id);
        return (
          <Card
            key={question.id}
            size="small"
            className={`tr-card tr-question ${r ? (r.correct ? 'right' : 'wrong') : ''}`}
            data-testid={`quiz-q-${n}`}
            title={
              <span className="tr-question-title">
                {r &&
                  (r.correct ? (
                    <CheckCircleFilled className="tr-right" />
                  ) : (
                    <CloseCircleFilled className="tr-wrong" />
                  ))}{' '}
                {n + 1}. {loc(question.prompt)}
              </span>
            }
          >
            <Radio.Group
              value={answers[question.id]}
              disabled={!!graded || submit.isPending}
              onChange={(e) => setAnswers((a) => ({ ...a, [question.id]: String(e.target.value) }))}
              className="tr-options"
            >
              <Space orientation="vertical">
                {question.options.map((o) => (
                  <Radio
                    key={o.id}
                    value={o.id}
                    data-testid={`quiz-q-${n}-opt-${o.id}`}
                    className={r && o.id === r.correctOptionId ? 'tr-correct-option' : ''}
                  >
                    {loc(o.text)}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Card>
        );
      })}
      <div ref={verdict}>
        {graded ? (
          <Result
            status={graded.passed ? 'success' : 'warning'}
            data-testid="quiz-result"
            data-passed={graded.passed ? 'true' : 'false'}
            title={
              graded.passed
                ? t('training.quiz.passed', { correct: graded.correct, total: graded.total })
                : t('training.quiz.failed', {
                    correct: graded.correct,
                    total: graded.total,
                    needed: graded.passNeeded,
                  })
            }
            extra={
              <Button icon={<ReloadOutlined />} onClick={again} data-testid="quiz-again">
                {t('training.quiz.again')}
              </Button>
            }
          />
        ) : (
          <Button
            type="primary"
            size="large"
            block
            disabled={!complete}
            loading={submit.isPending}
            data-testid="quiz-submit"
            onClick={() =>
              submit.mutate({ attempt: q.attempt, answers }, { onSuccess: (r) => setResult(r) })
            }
          >
            {complete ? t('training.quiz.submit') : t('training.quiz.answerAll')}
          </Button>
        )}
      </div>
    </div>
  );
}
