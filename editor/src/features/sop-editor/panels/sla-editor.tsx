/** A stage's time limit (SLA) and its escalation ladder. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { EscalationKind, EscalationRung, Sla } from '@closeloop/engine';
import { Button, Form, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store.ts';
import { toOptions, useUsers } from './directory.ts';
import { DurationInput } from './duration-input.tsx';
import { AssignmentEditor } from './owner-editor.tsx';

export function SlaEditor({
  id,
  value,
  onChange,
}: {
  id: string;
  value: Sla | undefined;
  onChange: (s: Sla | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const fields = useEditor((s) => s.meta.fields);
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  // the actions out of this stage, by their button text (the rung stores the action id)
  const events = useEditor(
    (s) =>
      s.edges
        .filter((e) => e.source === id && e.data)
        .map((e) => ({
          value: e.data?.event ?? '',
          label: e.data?.meta?.label?.[lang] || e.data?.event || '',
        }))
        .filter((o, i, all) => all.findIndex((x) => x.value === o.value) === i),
    (a, b) => JSON.stringify(a) === JSON.stringify(b),
  );
  const users = useUsers();
  if (!value) {
    return (
      <SlaSwitch
        on={false}
        onToggle={() => onChange({ duration: 'PT4H', clock: 'working', escalations: [] })}
      />
    );
  }
  const setRung = (i: number, rung: EscalationRung) =>
    onChange({ ...value, escalations: value.escalations.map((r, j) => (j === i ? rung : r)) });
  const dateFields = fields.filter((f) => f.type === 'date' || f.type === 'datetime');
  return (
    <div className="stack">
      <SlaSwitch on onToggle={() => onChange(undefined)} />
      <Space wrap>
        <DurationInput
          value={value.duration}
          onChange={(duration) => onChange({ ...value, duration })}
          testid="sla-duration"
        />
        <Select
          value={value.clock}
          onChange={(clock) => onChange({ ...value, clock })}
          options={(['working', 'wall'] as const).map((c) => ({
            value: c,
            label: t(`stage.clocks.${c}`),
          }))}
          style={{ width: 120 }}
          data-testid="sla-clock"
        />
      </Space>
      {dateFields.length > 0 && (
        <Form.Item label={t('stage.dueField')} style={{ marginBottom: 0 }}>
          <Select
            allowClear
            value={value.dueField}
            onChange={(dueField?: string) => {
              const { dueField: _d, ...rest } = value;
              onChange(dueField ? { ...rest, dueField } : rest);
            }}
            options={dateFields.map((f) => ({ value: f.key, label: f.label[lang] || f.key }))}
          />
        </Form.Item>
      )}
      <Typography.Text type="secondary">{t('stage.escalations')}</Typography.Text>
      {value.escalations.map((rung, i) => (
        <RungRow
          // biome-ignore lint/suspicious/noArrayIndexKey: rungs have no ids
          key={i}
          i={i}
          rung={rung}
          events={events}
          notifyOptions={toOptions(users.data)}
          onChange={(r) => setRung(i, r)}
          onRemove={() =>
            onChange({ ...value, escalations: value.escalations.filter((_, j) => j !== i) })
          }
        />
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        data-testid="rung-add"
        disabled={value.escalations.length >= 10}
        onClick={() => {
          const kinds: EscalationKind[] = ['remind-owner', 'notify-manager', 'reassign'];
          const kind =
            kinds[Math.min(value.escalations.length, kinds.length - 1)] ?? 'remind-owner';
          onChange({
            ...value,
            escalations: [...value.escalations, { after: value.duration, kind }],
          });
        }}
      >
        {t('stage.addRung')}
      </Button>
    </div>
  );
}

function SlaSwitch({ on, onToggle }: { on: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <Space>
      <Switch size="small" checked={on} data-testid="sla-enable" onChange={onToggle} />
      <Typography.Text>{t('stage.slaEnabled')}</Typography.Text>
    </Space>
  );
}

type Option = { value: string; label: string };

/** One escalation rung: after how long, what happens, and the kind's own setting. */
function RungRow({
  i,
  rung,
  events,
  notifyOptions,
  onChange,
  onRemove,
}: {
  i: number;
  rung: EscalationRung;
  /** The actions out of the stage, for a "move" rung. */
  events: Option[];
  /** The people a "notify manager" rung may also notify. */
  notifyOptions: Option[];
  onChange: (rung: EscalationRung) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="rung" data-testid={`rung-${i}`}>
      <Tag>{i + 1}</Tag>
      <Space wrap size={4}>
        <Typography.Text type="secondary">{t('stage.after')}</Typography.Text>
        <DurationInput
          value={rung.after}
          onChange={(after) => onChange({ ...rung, after })}
          testid={`rung-${i}-after`}
        />
        <Select<EscalationKind>
          value={rung.kind}
          onChange={(kind) => onChange({ after: rung.after, kind })}
          options={(['remind-owner', 'notify-manager', 'reassign', 'move'] as const).map((k) => ({
            value: k,
            label: t(`stage.rungKinds.${k}`),
          }))}
          style={{ width: 130 }}
          data-testid={`rung-${i}-kind`}
        />
        {rung.kind === 'move' && (
          <Select
            value={rung.action}
            placeholder={t('stage.moveAction')}
            onChange={(action: string) => onChange({ ...rung, action })}
            options={events}
            style={{ width: 140 }}
          />
        )}
        {rung.kind === 'reassign' && (
          <AssignmentEditor
            value={rung.assign}
            testid={`rung-${i}-assign`}
            onChange={(assign) => {
              const { assign: _a, ...rest } = rung;
              onChange(assign ? { ...rest, assign } : rest);
            }}
          />
        )}
        {rung.kind === 'notify-manager' && (
          <Select
            mode="tags"
            value={rung.notify ?? []}
            placeholder={t('stage.notify')}
            onChange={(notify: string[]) => onChange({ ...rung, notify })}
            options={notifyOptions}
            style={{ minWidth: 160 }}
          />
        )}
        <Button
          size="small"
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('editor.delete')}
          onClick={onRemove}
        />
      </Space>
    </div>
  );
}
