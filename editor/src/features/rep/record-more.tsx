/** Below the stage cards: every other field of the record, and its history. */
import { Collapse, Form } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldInput } from '../../shared/ui/field-input.tsx';
import type { FieldDef, Fields, FieldValue, RecordEvent, RecordView } from './api.ts';
import { loc } from './format.ts';
import { HistoryTimeline } from './history-timeline.tsx';
import type { Names } from './use-record-basics.ts';

type Props = {
  otherFields: FieldDef[];
  allFields: FieldDef[];
  record: RecordView;
  draft: Fields;
  users: Array<{ id: string; name: string }>;
  readOnly: boolean;
  onField: (key: string, v: FieldValue) => void;
  events: RecordEvent[] | undefined;
  eventsLoading: boolean;
  names: Names;
  now: number;
};

export function RecordMore(p: Props) {
  const { t } = useTranslation();
  return (
    <Collapse
      className="rep-card"
      size="small"
      items={[
        {
          key: 'fields',
          label: t('rep.record.allFields', { count: p.otherFields.length }),
          children: (
            <Form layout="vertical" requiredMark={false} data-testid="all-fields">
              {p.otherFields.map((def: FieldDef) => (
                <Form.Item key={def.key} label={loc(def.label)}>
                  <FieldInput
                    def={def}
                    value={def.key in p.draft ? p.draft[def.key] : p.record.fields[def.key]}
                    users={p.users}
                    disabled={p.readOnly}
                    onChange={(v) => p.onField(def.key, v)}
                  />
                </Form.Item>
              ))}
            </Form>
          ),
        },
        {
          key: 'history',
          label: t('rep.history.title'),
          children: (
            <HistoryTimeline
              events={p.events}
              loading={p.eventsLoading}
              fields={p.allFields}
              stageTitle={p.names.stageTitle}
              userName={p.names.userName}
              actionLabel={p.names.actionLabel}
              now={p.now}
            />
          ),
        },
      ]}
      defaultActiveKey={['history']}
    />
  );
}
