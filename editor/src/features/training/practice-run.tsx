/**
 * One practice run, step by step: the sandbox banner, the simulated clock (advance it to meet
 * the escalations), each current stage's guidance with its checklist and fields, the actions
 * open now with what each needs, what the engine would have sent, and the run's log.
 */ import { SaveOutlined } from '@ant-design/icons';
import type { FieldDef } from '@closeloop/engine';
import { Alert, Button, Card } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cleanValue } from '../../shared/ui/field-input.tsx';
import {
  type AssignmentDetail,
  type FieldValue,
  type Outcome,
  type Practice,
  type PracticeCommand,
  usePracticeCommand,
} from './api.ts';

import { fieldsByStage, stageIndex } from './practice-index.ts';
import { ClockCard, LogList, OutcomePanel } from './practice-log.tsx';
import { ActionRow, type Draft, StageCard } from './practice-stage.tsx';

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
