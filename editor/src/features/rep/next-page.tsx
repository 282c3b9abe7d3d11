/**
 * /next — Next actions: the caller's open records by urgency (overdue first, then due
 * soonest), each with its stage, what to do now, time left and one-tap actions. Filters by
 * SOP, stage, overdue and text; pull to refresh (touch) or the refresh button; live by SSE.
 * Managers also get their team's records, with reassign and handover.
 */
import {
  ApartmentOutlined,
  BookOutlined,
  CheckCircleOutlined,
  ContactsOutlined,
  ExclamationCircleOutlined,
  FilterOutlined,
  GlobalOutlined,
  PlusOutlined,
  ReadOutlined,
  ReloadOutlined,
  SearchOutlined,
  TeamOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  FloatButton,
  Input,
  Segmented,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/client.ts';
import { useMe } from '../../shared/api/queries.ts';
import {
  type NextAction,
  newIdempotencyKey,
  type OpenAction,
  repKeys,
  sendCommand,
  stageMetaOf,
  useNextActions,
  usePublishedSops,
  useSopVersion,
  useTeamRecords,
  useUsers,
} from './api.ts';
import { CaptureDrawer } from './capture-drawer.tsx';
import { CardWho } from './card-who.tsx';
import { loc, recordTitle, slaClockOf, timeLeft } from './format.ts';
import { NextFilterBar, type Scope, useFilters, useStageOptions } from './next-filters.tsx';
import { PendingCaptures } from './pending-captures.tsx';
import { PullToRefresh } from './pull-to-refresh.tsx';
import { type ListProps, TeamList } from './team-list.tsx';
import { useNow } from './use-now.ts';
import './rep.css';
import { TimeLeftTag } from './time-left-tag.tsx';

/** The first sentence or so of the stage's instructions: "what to do now" on a card. */
function summary(text: string, max = 60): string {
  const first = text.split(/(?<=[。！？.!?])\s*/)[0] ?? text;
  return first.length > max ? `${first.slice(0, max)}…` : first;
}

export function NextPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const qc = useQueryClient();
  const { filters, scope, set } = useFilters();
  const [q, setQ] = useState(filters.q ?? '');
  const [showFilters, setShowFilters] = useState(
    !!(filters.sopId || filters.stage || filters.overdue || filters.ownerId),
  );
  const [capture, setCapture] = useState(false);
  const canManage = me?.role === 'manager' || me?.role === 'admin';
  const teamScope = canManage && scope === 'team';
  const { ownerId, ...mineFilters } = filters;
  const mine = useNextActions(mineFilters, !teamScope);
  const team = useTeamRecords(filters, teamScope);
  const sops = usePublishedSops();
  const sopForStages = sops.data?.find((s) => s.sopId === filters.sopId);
  const sopDoc = useSopVersion(sopForStages?.sopId, sopForStages?.version);
  const users = useUsers();
  const { now, calendar } = useNow();

  // debounce the text filter into the URL
  useEffect(() => {
    const id = setTimeout(() => {
      if ((filters.q ?? '') !== q.trim()) set({ q: q.trim() || undefined });
    }, 300);
    return () => clearTimeout(id);
  });

  const stageOptions = useStageOptions(sopDoc.data);

  const refresh = () =>
    teamScope ? team.refetch() : qc.invalidateQueries({ queryKey: repKeys.nextAll });
  const fetching = teamScope ? team.isFetching : mine.isFetching;
  const count = teamScope ? team.data?.items.length : mine.data?.items.length;

  return (
    <div className="page rep-page" data-testid="next-page">
      <div className="rep-head">
        <Typography.Title level={4} className="rep-title">
          {t('rep.next.title')}
          {count !== undefined && (
            <Tag className="rep-count" data-testid="next-count">
              {count}
            </Tag>
          )}
        </Typography.Title>
        <Space size={4}>
          <Button
            icon={<FilterOutlined />}
            type={showFilters ? 'primary' : 'default'}
            ghost={showFilters}
            onClick={() => setShowFilters(!showFilters)}
            aria-label={t('rep.next.filters')}
            data-testid="toggle-filters"
          />
          <Button
            icon={<ReloadOutlined spin={fetching} />}
            onClick={() => void refresh()}
            aria-label={t('rep.next.refresh')}
            data-testid="refresh"
          />
        </Space>
      </div>
      {canManage && (
        <Segmented<Scope>
          block
          className="rep-scope"
          value={scope}
          data-testid="scope"
          onChange={(v) => set({ scope: v === 'team' ? 'team' : undefined, owner: undefined })}
          options={[
            { value: 'mine', label: <span data-testid="scope-mine">{t('rep.next.mine')}</span> },
            { value: 'team', label: <span data-testid="scope-team">{t('rep.next.team')}</span> },
          ]}
        />
      )}
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('rep.next.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="filter-q"
        className="rep-search"
      />
      {showFilters && (
        <NextFilterBar
          filters={filters}
          set={set}
          teamScope={teamScope}
          sops={sops.data ?? []}
          stageOptions={stageOptions}
          users={users.data ?? []}
        />
      )}
      <PendingCaptures />
      <PullToRefresh
        onRefresh={refresh}
        refreshing={fetching && !(teamScope ? team.isPending : mine.isPending)}
      >
        {teamScope ? (
          <TeamList
            records={team.data?.items}
            loading={team.isPending}
            error={team.error}
            now={now}
            calendar={calendar}
            ownerFilter={ownerId}
          />
        ) : (
          <MineList
            items={mine.data?.items}
            loading={mine.isPending}
            error={mine.error}
            now={now}
            calendar={calendar}
            filtered={!!(mineFilters.sopId || mineFilters.stage || mineFilters.overdue || q)}
            onCapture={() => setCapture(true)}
            onTeam={() => set({ scope: 'team' })}
          />
        )}
      </PullToRefresh>
      {me?.role !== 'trainer' && (
        <FloatButton
          type="primary"
          icon={<PlusOutlined />}
          tooltip={t('rep.capture.title')}
          onClick={() => setCapture(true)}
          data-testid="capture-open"
          className="rep-fab"
          aria-label={t('rep.capture.title')}
        />
      )}
      <CaptureDrawer open={capture} onClose={() => setCapture(false)} />
    </div>
  );
}

function MineList({
  items,
  loading,
  error,
  now,
  calendar,
  filtered,
  onCapture,
  onTeam,
}: ListProps & {
  items: NextAction[] | undefined;
  filtered: boolean;
  onCapture: () => void;
  onTeam: () => void;
}) {
  const { t } = useTranslation();
  if (loading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (error) return <Empty description={errorMessage(error)} />;
  if (!items?.length)
    return (
      <>
        <Empty description={t('rep.next.empty')} data-testid="next-empty" className="rep-empty" />
        {!filtered && <FirstSteps onCapture={onCapture} onTeam={onTeam} />}
      </>
    );
  return (
    <div className="rep-list" data-testid="next-list">
      {items.map((item) => (
        <NextCard key={item.record.id} item={item} now={now} calendar={calendar} />
      ))}
    </div>
  );
}

type FirstStep = { key: string; icon: ReactNode; to?: string; onClick?: () => void };

/**
 * What a new user can do when nothing waits for them, by role: a rep captures a lead or
 * looks at their customers, a manager picks or draws an SOP, a trainer opens the library,
 * an admin invites people.
 */
function FirstSteps({ onCapture, onTeam }: { onCapture: () => void; onTeam: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const role = useMe().data?.role;
  if (!role) return null;
  const steps: Record<typeof role, FirstStep[]> = {
    rep: [
      { key: 'capture', icon: <PlusOutlined />, onClick: onCapture },
      { key: 'customers', icon: <ContactsOutlined />, to: '/customers' },
      { key: 'pool', icon: <GlobalOutlined />, to: '/pool' },
      { key: 'closed', icon: <CheckCircleOutlined />, to: '/closed' },
    ],
    manager: [
      { key: 'library', icon: <BookOutlined />, to: '/library' },
      { key: 'draw', icon: <ApartmentOutlined />, to: '/sops' },
      { key: 'team', icon: <TeamOutlined />, onClick: onTeam },
    ],
    trainer: [
      { key: 'library', icon: <BookOutlined />, to: '/library' },
      { key: 'training', icon: <ReadOutlined />, to: '/training' },
    ],
    admin: [
      { key: 'invite', icon: <UserAddOutlined />, to: '/admin/users' },
      { key: 'teams', icon: <TeamOutlined />, to: '/admin/teams' },
      { key: 'library', icon: <BookOutlined />, to: '/library' },
    ],
  };
  return (
    <Card size="small" className="rep-first" data-testid="first-steps" data-role={role}>
      <Typography.Title level={5}>{t('rep.next.firstTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t(`rep.next.firstHint.${role}`)}
      </Typography.Paragraph>
      <div className="rep-first-steps">
        {steps[role].map((s, i) => (
          <Button
            key={s.key}
            block
            type={i === 0 ? 'primary' : 'default'}
            icon={s.icon}
            data-testid={`first-step-${s.key}`}
            onClick={s.onClick ?? (() => navigate(s.to ?? '/'))}
          >
            {t(`rep.next.first.${s.key}`)}
          </Button>
        ))}
      </div>
    </Card>
  );
}

function NextCard({
  item,
  now,
  calendar,
}: {
  item: NextAction;
  now: number;
  calendar: ListProps['calendar'];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const { record } = item;
  const defs = useSopVersion(item.sop.sopId, item.sop.version).data?.fields ?? [];
  const title = recordTitle(record.fields, defs);
  const metas = new Map(item.stages.map((s) => [s.id, s.meta]));
  const left = timeLeft(
    item.dueAt,
    now,
    slaClockOf(record, (id) => metas.get(id)),
    calendar,
  );
  const firstMeta = stageMetaOf(item.stages[0]?.meta);
  const todo = summary(loc(firstMeta?.instructions));
  const open = () => navigate(`/records/${record.id}`);

  const act = async (a: OpenAction) => {
    if (!a.passed || !a.allowed || a.outcome === 'lost') {
      navigate(`/records/${record.id}?action=${encodeURIComponent(a.action)}`);
      return;
    }
    setBusy(a.action);
    const key = newIdempotencyKey();
    const body = { action: a.action, version: record.version };
    // one retry with the same key if the answer got lost
    for (let i = 0; i < 2; i++) {
      try {
        await sendCommand(
          'POST',
          `/api/records/${encodeURIComponent(record.id)}/actions`,
          body,
          key,
        );
        void message.success(t('rep.next.did', { action: loc(a.label, a.action) }));
        void qc.invalidateQueries({ queryKey: repKeys.nextAll });
        qc.removeQueries({ queryKey: repKeys.record(record.id) });
        break;
      } catch (e) {
        if (i === 0 && e instanceof Error && e.name === 'NetworkFailure') continue;
        void message.error(errorMessage(e));
        // stale or blocked: the record page explains and lets the rep redo
        void qc.invalidateQueries({ queryKey: repKeys.nextAll });
        break;
      }
    }
    setBusy(null);
  };

  const allowed = item.actions.filter((a) => a.allowed);
  // the way forward first and the only primary one; a losing exit goes through the record
  // page, which asks for confirmation
  const forward = allowed.find((a) => a.outcome !== 'lost');
  const shown = allowed.slice(0, 3);
  return (
    <Card
      size="small"
      hoverable
      className={`rep-next-card ${item.overdue ? 'overdue' : ''}`}
      data-testid="next-card"
      data-record-id={record.id}
      data-overdue={item.overdue ? 'true' : 'false'}
      onClick={open}
    >
      <div className="rep-card-top">
        <CardWho title={title} testId="next-card-name" />
        <TimeLeftTag left={left} className="rep-time-tag" testId="next-card-time" />
      </div>
      <div className="rep-card-stage">
        {item.stages.map((s) => (
          <Tag key={s.id} color="geekblue" data-testid="next-card-stage">
            {loc(s.title, s.id)}
          </Tag>
        ))}
        <Typography.Text type="secondary" className="rep-card-sop">
          {loc(item.sop.name)}
        </Typography.Text>
      </div>
      {todo && (
        <Typography.Paragraph
          className="rep-card-todo"
          ellipsis={{ rows: 2 }}
          data-testid="next-card-todo"
        >
          {todo}
        </Typography.Paragraph>
      )}
      {shown.length > 0 && (
        // actions must not open the card
        // biome-ignore lint/a11y/noStaticElementInteractions: stops the card's click
        // biome-ignore lint/a11y/useKeyWithClickEvents: the buttons inside are keyboard-accessible
        <div className="rep-card-actions" onClick={(e) => e.stopPropagation()}>
          {shown.map((a) => (
            <Button
              key={a.action}
              size="small"
              type={a === forward ? 'primary' : 'default'}
              danger={a.outcome === 'lost'}
              data-primary={a === forward ? 'true' : 'false'}
              icon={a.passed ? undefined : <ExclamationCircleOutlined />}
              loading={busy === a.action}
              disabled={busy !== null && busy !== a.action}
              onClick={() => void act(a)}
              data-testid={`next-action-${a.action}`}
              title={a.passed ? undefined : a.failures.map((f) => loc(f.message)).join('\n')}
            >
              {loc(a.label, a.action)}
              {!a.passed && a.failures.length > 0 && (
                <span className="rep-needs-count">
                  {t('rep.next.needsN', { count: a.failures.length })}
                </span>
              )}
            </Button>
          ))}
        </div>
      )}
    </Card>
  );
}
