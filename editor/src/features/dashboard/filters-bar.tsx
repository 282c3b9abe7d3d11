/** The dashboard's filters: SOP, version (and the B version to compare), team, rep, period, source. */
import { FilterOutlined, ReloadOutlined } from '@ant-design/icons';
import type { FieldDef } from '@closeloop/engine';
import { Badge, Button, DatePicker, Grid, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/api/queries.ts';
import { loc } from '../../shared/loc.ts';
import {
  type Filters,
  useSopOptions,
  useSopVersionDoc,
  useTeamsAndUsers,
  useVersionOptions,
} from './api.ts';

const SOURCE_FIELDS = ['leadSource', 'source', 'channel'];

function isFieldList(v: unknown): v is FieldDef[] {
  return Array.isArray(v) && v.every((f) => f && typeof f === 'object' && 'key' in f);
}

/** The source field's options, from the SOP version shown. */
function useSourceOptions(sopId: string | undefined, version: number | undefined, lang: string) {
  const doc = useSopVersionDoc(sopId, version);
  return useMemo(() => {
    const d = doc.data?.doc;
    const fields = d && typeof d === 'object' && 'fields' in d ? d.fields : undefined;
    if (!isFieldList(fields)) return [];
    const field = fields.find((f) => SOURCE_FIELDS.includes(f.key));
    return (field?.options ?? []).map((o) => ({ value: o.value, label: loc(o.label, '', lang) }));
  }, [doc.data, lang]);
}

/** The options of each filter: published SOPs, their versions, teams and reps (a manager's own), sources. */
function useFilterOptions(filters: Filters, lang: string) {
  const { t } = useTranslation();
  const me = useMe().data;
  const sops = useSopOptions();
  const published = useMemo(
    () =>
      (sops.data?.items ?? []).filter(
        (s) => s.publishedVersion !== null && s.publishedVersion !== undefined,
      ),
    [sops.data],
  );
  const versions = useVersionOptions(filters.sopId);
  const { teams, users } = useTeamsAndUsers();
  const shownVersion =
    filters.version ??
    published.find((s) => s.sopId === filters.sopId)?.publishedVersion ??
    undefined;
  const sources = useSourceOptions(filters.sopId, shownVersion, lang);

  const myTeams = me?.role === 'manager' ? new Set(me.teamIds ?? []) : null;
  const teamOptions = teams
    .filter((tm) => !myTeams || myTeams.has(tm.id))
    .map((tm) => ({ value: tm.id, label: tm.name }));
  const repOptions = users
    .filter((u) => u.role === 'rep' || u.role === 'manager')
    .filter((u) => !filters.teamId || u.teamIds.includes(filters.teamId))
    .filter((u) => !myTeams || u.teamIds.some((x) => myTeams.has(x)))
    .map((u) => ({ value: u.id, label: u.name }));
  const versionOptions = (versions.data ?? []).map((v) => ({
    value: v,
    label: t('dashboard.filters.versionN', { v }),
  }));
  return { sops, published, options: { versionOptions, teamOptions, repOptions, sources } };
}

export function FiltersBar({
  filters,
  onChange,
  showCompare = true,
  requireSop = false,
}: {
  filters: Filters;
  onChange: (f: Filters) => void;
  showCompare?: boolean;
  /** The view needs one SOP (the map): the first published one is chosen when none is. */
  requireSop?: boolean;
}) {
  const { t, i18n } = useTranslation();
  // on a phone the SOP stays in view and the other filters fold away
  const phone = !Grid.useBreakpoint().md;
  const [more, setMore] = useState(false);
  const folded = phone && !more;
  const active = (['version', 'compare', 'teamId', 'ownerId', 'from', 'source'] as const).filter(
    (k) => filters[k] !== undefined,
  ).length;
  const lang = i18n.language;
  const { sops, published, options } = useFilterOptions(filters, lang);

  // a view of one SOP chooses the first published SOP when none is; the overview shows all
  useEffect(() => {
    const first = published[0];
    if (requireSop && !filters.sopId && first) onChange({ ...filters, sopId: first.sopId });
  }, [filters, published, onChange, requireSop]);

  const set = (patch: Partial<Filters>) => {
    const next: Filters = { ...filters, ...patch };
    for (const k of Object.keys(patch) as Array<keyof Filters>)
      if (patch[k] === undefined) delete next[k];
    onChange(next);
  };
  return (
    <div className="dash-filters" data-testid="dashboard-filters">
      <Select
        className="dash-filter dash-filter-sop"
        aria-label={t('dashboard.filters.sop')}
        placeholder={t('dashboard.pickSop')}
        value={filters.sopId ?? (requireSop ? undefined : '')}
        loading={sops.isPending}
        options={[
          ...(requireSop ? [] : [{ value: '', label: t('dashboard.allSops') }]),
          ...published.map((s) => ({ value: s.sopId, label: loc(s.name, s.sopId, lang) })),
        ]}
        onChange={(v: string) =>
          onChange({
            ...(v ? { sopId: v } : {}),
            ...(filters.from ? { from: filters.from } : {}),
            ...(filters.to ? { to: filters.to } : {}),
          })
        }
        data-testid="filter-sop"
        popupMatchSelectWidth={false}
      />
      {phone && (
        <Badge count={active} size="small">
          <Button
            icon={<FilterOutlined />}
            onClick={() => setMore(!more)}
            data-testid="filter-more"
          >
            {t('dashboard.filters.more')}
          </Button>
        </Badge>
      )}
      {!folded && (
        <MoreFilters
          filters={filters}
          set={set}
          onChange={onChange}
          showCompare={showCompare}
          options={options}
        />
      )}
    </div>
  );
}

type Option<V> = { value: V; label: string };

/** Everything but the SOP: folded away on a phone until "more" is tapped. */
function MoreFilters({
  filters,
  set,
  onChange,
  showCompare,
  options,
}: {
  filters: Filters;
  /** Changes the given filters (`undefined` removes one). */
  set: (patch: Partial<Filters>) => void;
  onChange: (f: Filters) => void;
  showCompare: boolean;
  options: {
    versionOptions: Option<number>[];
    teamOptions: Option<string>[];
    repOptions: Option<string>[];
    sources: Option<string>[];
  };
}) {
  const { t } = useTranslation();
  const { versionOptions, teamOptions, repOptions, sources } = options;
  const range: [Dayjs, Dayjs] | null =
    filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null;
  return (
    <>
      {filters.sopId && (
        <Select
          className="dash-filter"
          aria-label={t('dashboard.filters.version')}
          value={filters.version ?? 'all'}
          options={[{ value: 'all', label: t('dashboard.filters.allVersions') }, ...versionOptions]}
          onChange={(v: number | 'all') => set({ version: v === 'all' ? undefined : v })}
          data-testid="filter-version"
        />
      )}
      {showCompare && (
        <Select
          className="dash-filter"
          aria-label={t('dashboard.filters.compare')}
          value={filters.compare ?? 'none'}
          options={[
            { value: 'none', label: t('dashboard.filters.compareNone') },
            ...versionOptions.map((o) => ({
              ...o,
              label: `${t('dashboard.filters.compare')}: ${o.label}`,
            })),
          ]}
          onChange={(v: number | 'none') => set({ compare: v === 'none' ? undefined : v })}
          data-testid="filter-compare"
        />
      )}
      <Select
        className="dash-filter"
        aria-label={t('dashboard.filters.team')}
        value={filters.teamId ?? 'all'}
        options={[{ value: 'all', label: t('dashboard.filters.allTeams') }, ...teamOptions]}
        onChange={(v: string) => set({ teamId: v === 'all' ? undefined : v, ownerId: undefined })}
        data-testid="filter-team"
      />
      <Select
        className="dash-filter"
        aria-label={t('dashboard.filters.rep')}
        value={filters.ownerId ?? 'all'}
        showSearch={{ optionFilterProp: 'label' }}
        options={[{ value: 'all', label: t('dashboard.filters.allReps') }, ...repOptions]}
        onChange={(v: string) => set({ ownerId: v === 'all' ? undefined : v })}
        data-testid="filter-rep"
      />
      <DatePicker.RangePicker
        className="dash-filter dash-filter-period"
        aria-label={t('dashboard.filters.period')}
        value={range}
        allowClear
        presets={[
          { label: '7d', value: [dayjs().subtract(6, 'day'), dayjs()] },
          { label: '30d', value: [dayjs().subtract(29, 'day'), dayjs()] },
          { label: '90d', value: [dayjs().subtract(89, 'day'), dayjs()] },
          { label: '365d', value: [dayjs().subtract(364, 'day'), dayjs()] },
        ]}
        onChange={(v) => {
          const [a, b] = v ?? [];
          set(
            a && b
              ? { from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') }
              : { from: undefined, to: undefined },
          );
        }}
        data-testid="filter-period"
      />
      {sources.length > 0 && (
        <Select
          className="dash-filter"
          aria-label={t('dashboard.filters.source')}
          value={filters.source ?? 'all'}
          options={[{ value: 'all', label: t('dashboard.filters.allSources') }, ...sources]}
          onChange={(v: string) => set({ source: v === 'all' ? undefined : v })}
          data-testid="filter-source"
        />
      )}
      <Button
        icon={<ReloadOutlined />}
        onClick={() => onChange(filters.sopId ? { sopId: filters.sopId } : {})}
        data-testid="filter-reset"
      >
        {t('dashboard.filters.reset')}
      </Button>
    </>
  );
}
