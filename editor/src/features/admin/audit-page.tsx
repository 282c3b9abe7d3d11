/**
 * /admin/audit: the audit log, newest first, filtered by action prefix, actor and period,
 * with "load more" following the server's cursor. Known actions read in the user's
 * language; others show their raw code.
 */
import { AutoComplete, Button, DatePicker, Empty, Select, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminLayout } from './admin-layout.tsx';
import { MissingApi } from './admin-list.tsx';
import {
  type AuditEntry,
  type AuditFilters,
  useAdminTeams,
  useAdminUsers,
  useAuditLog,
} from './api.ts';
import { useAuditColumns } from './audit-columns.tsx';
import type { Names } from './audit-detail.ts';
import { ACTION_PREFIXES, actionLabel, KNOWN_ACTIONS } from './audit-labels.ts';

export function AuditPage() {
  return (
    <AdminLayout tab="audit" adminOnly>
      <AuditLog />
    </AdminLayout>
  );
}

function AuditLog() {
  const { t } = useTranslation();
  const users = useAdminUsers();
  const teams = useAdminTeams();
  const names: Names = {
    user: (id) => users.data?.find((u) => u.id === id)?.name,
    team: (id) => teams.data?.find((x) => x.id === id)?.name,
  };
  const [actionDraft, setActionDraft] = useState('');
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);

  // typing narrows the list once the user pauses, not on every key
  useEffect(() => {
    const id = setTimeout(() => setAction(actionDraft.trim()), 350);
    return () => clearTimeout(id);
  }, [actionDraft]);

  const filters = useMemo<AuditFilters>(
    () => ({
      ...(action ? { action } : {}),
      ...(actorId ? { actorId } : {}),
      ...(range
        ? {
            from: range[0].startOf('day').valueOf(),
            // the server's `to` is exclusive: up to the start of the day after
            to: range[1].add(1, 'day').startOf('day').valueOf(),
          }
        : {}),
    }),
    [action, actorId, range],
  );
  const log = useAuditLog(filters);
  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);

  const actionOptions = [
    ...ACTION_PREFIXES.map((p) => ({ value: p, label: `${p}*` })),
    ...KNOWN_ACTIONS.map((a) => ({ value: a, label: `${actionLabel(t, a)} (${a})` })),
  ].filter((o) => !actionDraft || o.value.startsWith(actionDraft.trim()));

  const columns = useAuditColumns(names);

  return (
    <>
      <div className="admin-filters" data-testid="audit-filters">
        <AutoComplete
          value={actionDraft}
          onChange={setActionDraft}
          options={actionOptions}
          allowClear
          placeholder={t('admin.audit.actionFilter')}
          aria-label={t('admin.audit.actionFilter')}
          className="admin-filter"
          data-testid="audit-filter-action"
        />
        <Select
          value={actorId}
          onChange={setActorId}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('admin.audit.actorFilter')}
          aria-label={t('admin.audit.actorFilter')}
          options={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          className="admin-filter"
          data-testid="audit-filter-actor"
        />
        <DatePicker.RangePicker
          value={range}
          onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
          allowClear
          presets={[
            { label: t('admin.audit.today'), value: [dayjs(), dayjs()] },
            { label: '7d', value: [dayjs().subtract(6, 'day'), dayjs()] },
            { label: '30d', value: [dayjs().subtract(29, 'day'), dayjs()] },
          ]}
          className="admin-filter admin-filter-period"
          aria-label={t('admin.audit.period')}
          data-testid="audit-filter-period"
        />
      </div>
      {log.isError && <MissingApi error={log.error} what={t('admin.tabs.audit')} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={log.isPending || (log.isFetching && !log.isFetchingNextPage)}
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('admin.audit.empty')} /> }}
        data-testid="audit-table"
      />
      <div className="admin-more">
        {log.hasNextPage ? (
          <Button
            onClick={() => void log.fetchNextPage()}
            loading={log.isFetchingNextPage}
            data-testid="audit-more"
          >
            {t('admin.audit.more')}
          </Button>
        ) : rows.length > 0 ? (
          <Typography.Text type="secondary" data-testid="audit-end">
            {t('admin.audit.end', { count: rows.length })}
          </Typography.Text>
        ) : null}
      </div>
    </>
  );
}
