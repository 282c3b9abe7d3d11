import { Checkbox, Select } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DirectoryUser } from '../../shared/api/directory.ts';
import { type NextFilters, type PublishedSop, type SopVersionDoc, stateNodeOf } from './api.ts';
import { loc, stageTitleFromMachine } from './format.ts';

export type Scope = 'mine' | 'team';

export function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters: NextFilters & { ownerId?: string } = {
    ...(params.get('sop') ? { sopId: params.get('sop') ?? '' } : {}),
    ...(params.get('stage') ? { stage: params.get('stage') ?? '' } : {}),
    ...(params.get('overdue') === '1' ? { overdue: true } : {}),
    ...(params.get('q') ? { q: params.get('q') ?? '' } : {}),
    ...(params.get('owner') ? { ownerId: params.get('owner') ?? '' } : {}),
  };
  const scope: Scope = params.get('scope') === 'team' ? 'team' : 'mine';
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  return { filters, scope, set };
}

/** The stages of the picked SOP version, for the stage filter (finals left out). */
export function useStageOptions(doc: SopVersionDoc | undefined) {
  return useMemo(() => {
    if (!doc) return [];
    const out: Array<{ value: string; label: string }> = [];
    const walk = (states: Record<string, unknown>, prefix: string) => {
      for (const [key, node] of Object.entries(states)) {
        const n = stateNodeOf(node);
        if (!n) continue;
        const id = prefix + key;
        if (n.type !== 'final')
          out.push({ value: id, label: stageTitleFromMachine(doc.machine.states, id) });
        if (n.states) walk(n.states, `${id}.`);
      }
    };
    walk(doc.machine.states, '');
    return out;
  }, [doc]);
}

type BarProps = {
  filters: NextFilters & { ownerId?: string };
  set: (patch: Record<string, string | undefined>) => void;
  teamScope: boolean;
  sops: PublishedSop[];
  stageOptions: Array<{ value: string; label: string }>;
  users: DirectoryUser[];
};

export function NextFilterBar({ filters, set, teamScope, sops, stageOptions, users }: BarProps) {
  const { t } = useTranslation();
  return (
    <div className="rep-filters" data-testid="filters">
      <Select
        allowClear
        placeholder={t('rep.next.allSops')}
        value={filters.sopId}
        onChange={(v: string | undefined) => set({ sop: v, stage: undefined })}
        options={sops.map((s) => ({ value: s.sopId, label: loc(s.name) }))}
        data-testid="filter-sop"
        popupMatchSelectWidth={false}
      />
      <Select
        allowClear
        placeholder={filters.sopId ? t('rep.next.allStages') : t('rep.next.pickSopFirst')}
        disabled={!filters.sopId}
        value={filters.stage}
        onChange={(v: string | undefined) => set({ stage: v })}
        options={stageOptions}
        data-testid="filter-stage"
        popupMatchSelectWidth={false}
      />
      {teamScope && (
        <Select
          allowClear
          placeholder={t('rep.next.allOwners')}
          value={filters.ownerId}
          onChange={(v: string | undefined) => set({ owner: v })}
          options={users
            .filter((u) => u.role === 'rep' || u.role === 'manager')
            .map((u) => ({ value: u.id, label: u.name }))}
          data-testid="filter-owner"
          popupMatchSelectWidth={false}
        />
      )}
      <Checkbox
        checked={!!filters.overdue}
        onChange={(e) => set({ overdue: e.target.checked ? '1' : undefined })}
        data-testid="filter-overdue"
      >
        {t('rep.next.overdueOnly')}
      </Checkbox>
    </div>
  );
}
