/** The manager's view of the next-actions page: the team's open records, to reassign in bulk. */
import { SwapOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Empty, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { type RecordView, repKeys, stateNodeOf, useSopVersion, useUsers } from './api.ts';
import { CardWho } from './card-who.tsx';
import { recordTitle, slaClockOf, stageTitleFromMachine, timeLeft } from './format.ts';
import { ReassignModal, type ReassignTarget, useReassignOne } from './reassign-modal.tsx';
import { TimeLeftTag } from './time-left-tag.tsx';

/** What both lists on the page get: the clock, and the query's state. */
export type ListProps = {
  now: number;
  calendar: Parameters<typeof timeLeft>[3];
  loading: boolean;
  error: unknown;
};

export function TeamList({
  records,
  loading,
  error,
  now,
  calendar,
  ownerFilter,
}: ListProps & { records: RecordView[] | undefined; ownerFilter: string | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const reassignOne = useReassignOne();
  const qc = useQueryClient();
  const users = useUsers();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [handover, setHandover] = useState(false);
  const sorted = useMemo(
    () =>
      [...(records ?? [])].sort((a, b) => {
        if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
        return (a.dueAt ?? Number.POSITIVE_INFINITY) - (b.dueAt ?? Number.POSITIVE_INFINITY);
      }),
    [records],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new owner filter starts a new selection
  useEffect(() => {
    setSelected(new Set());
  }, [ownerFilter]);
  if (loading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (error) return <Empty description={errorMessage(error)} />;
  if (!sorted.length) return <Empty description={t('rep.next.teamEmpty')} className="rep-empty" />;
  const picked = sorted.filter((r) => selected.has(r.id));
  const targets: ReassignTarget[] = picked.map((r) => ({
    id: r.id,
    version: r.version,
    ownerId: r.ownerId,
    teamId: r.teamId,
  }));
  const name = (id: string | null) => users.data?.find((u) => u.id === id)?.name ?? t('rep.nobody');
  return (
    <>
      <div className="rep-bulk" data-testid="team-bulk">
        <Checkbox
          checked={picked.length === sorted.length}
          indeterminate={picked.length > 0 && picked.length < sorted.length}
          onChange={(e) =>
            setSelected(e.target.checked ? new Set(sorted.map((r) => r.id)) : new Set())
          }
          data-testid="select-all"
        >
          {t('rep.next.selectAll', { count: sorted.length })}
        </Checkbox>
        <Button
          size="small"
          type="primary"
          icon={<SwapOutlined />}
          disabled={!picked.length}
          onClick={() => setHandover(true)}
          data-testid="handover-open"
        >
          {t('rep.next.handover', { count: picked.length })}
        </Button>
      </div>
      <div className="rep-list" data-testid="team-list">
        {sorted.map((r) => (
          <TeamCard
            key={r.id}
            record={r}
            ownerName={name(r.ownerId)}
            now={now}
            calendar={calendar}
            checked={selected.has(r.id)}
            onCheck={(c) =>
              setSelected((s) => {
                const n = new Set(s);
                if (c) n.add(r.id);
                else n.delete(r.id);
                return n;
              })
            }
          />
        ))}
      </div>
      <ReassignModal
        open={handover}
        records={targets}
        users={users.data ?? []}
        title={t('rep.reassign.titleMany', { count: targets.length })}
        reassign={reassignOne}
        onCancel={() => setHandover(false)}
        onDone={(n) => {
          setHandover(false);
          setSelected(new Set());
          void message.success(t('rep.reassign.done', { count: n }));
          void qc.invalidateQueries({ queryKey: repKeys.teamAll });
          void qc.invalidateQueries({ queryKey: repKeys.nextAll });
        }}
      />
    </>
  );
}

function TeamCard({
  record,
  ownerName,
  now,
  calendar,
  checked,
  onCheck,
}: {
  record: RecordView;
  ownerName: string;
  now: number;
  calendar: ListProps['calendar'];
  checked: boolean;
  onCheck: (c: boolean) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const doc = useSopVersion(record.sopId, record.sopVersion).data;
  const title = recordTitle(record.fields, doc?.fields ?? []);
  const metaOf = (id: string) => {
    let level: Record<string, unknown> | undefined = doc?.machine.states;
    let node: ReturnType<typeof stateNodeOf> = null;
    for (const k of id.split('.')) {
      node = stateNodeOf(level?.[k]);
      level = node?.states;
    }
    return node?.meta?.stage;
  };
  const left = timeLeft(record.dueAt, now, slaClockOf(record, metaOf), calendar);
  return (
    <Card
      size="small"
      hoverable
      className={`rep-next-card ${record.overdue ? 'overdue' : ''}`}
      data-testid="team-card"
      data-record-id={record.id}
      onClick={() => navigate(`/records/${record.id}`)}
    >
      <div className="rep-card-top">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: stops the card's click */}
        {/* biome-ignore lint/a11y/useKeyWithClickEvents: the checkbox is keyboard-accessible */}
        <span onClick={(e) => e.stopPropagation()} className="rep-card-check">
          <Checkbox
            checked={checked}
            onChange={(e) => onCheck(e.target.checked)}
            data-testid="team-card-check"
          />
        </span>
        <CardWho title={title} />
        <TimeLeftTag left={left} className="rep-time-tag" />
      </div>
      <div className="rep-card-stage">
        {record.currentStages.map((s) => (
          <Tag key={s} color="geekblue">
            {doc ? stageTitleFromMachine(doc.machine.states, s) : s}
          </Tag>
        ))}
        <Typography.Text type="secondary" className="rep-card-sop" data-testid="team-card-owner">
          {t('rep.ownerIs', { name: ownerName })}
        </Typography.Text>
      </div>
    </Card>
  );
}
