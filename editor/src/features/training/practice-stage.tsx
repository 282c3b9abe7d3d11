/** A practice run's current stage (guidance, checklist, fields) and the actions open in it. */
import {
  ArrowRightOutlined,
  CheckCircleOutlined,
  ExclamationCircleOutlined,
  LockOutlined,
} from '@ant-design/icons';
import type { FieldDef } from '@closeloop/engine';
import { Button, Card, Checkbox, Form, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { loc, spanWords } from '../../shared/format/words.ts';
import { InstructionsBlock, ScriptBlock, SlaBlock } from '../../shared/sop/stage-guidance.tsx';
import { FieldInput } from '../../shared/ui/field-input.tsx';
import type { FieldValue, Practice, PracticeAction } from './api.ts';

import { ancestors, breadcrumb, dedupe, type StageIndex, titleIn } from './practice-index.ts';

export type Draft = Record<string, FieldValue>;

export function FieldsForm({
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

export function StageCard({
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

export function ActionRow({
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
