/**
 * The record's history as a timeline: who, what, when, field changes, escalations and
 * handovers, in the reader's language. Bookkeeping (timers scheduled or cancelled, stages
 * left) is folded away unless asked for.
 */
import { Button, Empty, Skeleton, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FieldDef, type RecordEvent, usePublishedSops } from './api.ts';
import { describeEvent, type EventLine } from './event-presenters.ts';
import { displayValue, formatAgo, formatDateTime, loc } from './format.ts';

type Props = {
  events: RecordEvent[] | undefined;
  loading: boolean;
  fields: FieldDef[];
  stageTitle: (id: string) => string;
  userName: (id: string | null | undefined) => string;
  actionLabel: (action: string) => string;
  now: number;
};

type Entry = { event: RecordEvent; line: EventLine };

export function HistoryTimeline({
  events,
  loading,
  fields,
  stageTitle,
  userName,
  actionLabel,
  now,
}: Props) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const sops = usePublishedSops();
  const sopName = (id: string) => {
    const s = sops.data?.find((x) => x.sopId === id);
    return s ? loc(s.name) : id;
  };
  // described on every render: cheap, and follows a language switch
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const entries: Entry[] = (events ?? [])
    .map((event) => ({
      event,
      line: describeEvent(event, {
        stageTitle,
        userName,
        field: (k) => byKey.get(k),
        actionLabel,
        sopName,
        fieldLabel: (def) => loc(def.label),
        value: (def, v) => displayValue(def, v, userName),
      }),
    }))
    .reverse();
  if (loading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (!entries.length) return <Empty description={t('rep.history.empty')} />;
  const shown = all ? entries : entries.filter((e) => !e.line.minor);
  const hidden = entries.length - shown.length;
  return (
    <div data-testid="history">
      <Timeline
        items={shown.map(({ event, line }) => ({
          key: event.id,
          color: line.tone,
          content: (
            <div className="rep-event" data-testid="history-item" data-type={event.type}>
              <div className="rep-event-head">
                <Typography.Text strong>{line.text}</Typography.Text>
              </div>
              <div className="rep-event-meta">
                <span>
                  {event.actorId === 'system' || !event.actorId
                    ? t('rep.history.system')
                    : userName(event.actorId)}
                </span>
                <span title={formatDateTime(event.at)}> · {formatAgo(event.at, now)}</span>
              </div>
              {line.detail && (
                <Typography.Paragraph type="secondary" className="rep-event-detail">
                  {line.detail}
                </Typography.Paragraph>
              )}
              {line.changes && line.changes.length > 0 && (
                <ul className="rep-event-changes">
                  {line.changes.map((c) => (
                    <li key={c.key}>
                      <Tag>{c.label}</Tag>
                      <span className="rep-from">{c.from}</span>
                      <span className="rep-arrow"> → </span>
                      <span className="rep-to">{c.to}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ),
        }))}
      />
      {hidden > 0 || all ? (
        <Button type="link" size="small" onClick={() => setAll(!all)} data-testid="history-toggle">
          {all ? t('rep.history.hideMinor') : t('rep.history.showAll', { count: hidden })}
        </Button>
      ) : null}
    </div>
  );
}
