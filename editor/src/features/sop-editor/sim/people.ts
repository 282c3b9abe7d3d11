/**
 * The people and teams a simulation names, as people know them. A copied live record names
 * real people (their names from the directory); a fresh run names the simulated roster the
 * engine makes from the SOP (`sales-rep1`, `sales-manager`) and the acting user (`sim-user`),
 * which read as "华东销售一部 · 模拟成员 1", "华东销售一部 · 主管" and "你（模拟操作人）".
 */
import { useTranslation } from 'react-i18next';
import { useTeams, useUsers } from '../../../shared/api/directory.ts';

export const SIM_ACTOR = 'sim-user';

export type SimPeople = {
  /** A person's name (or the words for a simulated one); '—' for nobody. */
  who: (id: string | null | undefined) => string;
  /** A team's name; its id only when the directory does not know it. */
  team: (id: string | null | undefined) => string;
};

type Named = { id: string; name?: string | null; email?: string | null };

/** Pure part of {@link useSimPeople}, for tests. */
export function simPeople(
  users: readonly Named[],
  teams: readonly Named[],
  t: (key: string, opts?: Record<string, unknown>) => string,
): SimPeople {
  const team = (id: string | null | undefined) => {
    if (!id) return '—';
    const found = teams.find((x) => x.id === id);
    return found?.name || id;
  };
  const who = (id: string | null | undefined) => {
    if (!id) return '—';
    const user = users.find((u) => u.id === id);
    if (user) return user.name || user.email || id;
    if (id === SIM_ACTOR) return t('simulator.people.you');
    const rep = /^(.+)-rep(\d+)$/.exec(id);
    if (rep) return t('simulator.people.rep', { team: team(rep[1]), n: rep[2] });
    const manager = /^(.+)-manager$/.exec(id);
    if (manager) return t('simulator.people.manager', { team: team(manager[1]) });
    return id;
  };
  return { who, team };
}

export function useSimPeople(): SimPeople {
  const { t } = useTranslation();
  const users = useUsers();
  const teams = useTeams();
  return simPeople(users.data ?? [], teams.data ?? [], (k, o) => t(k, o ?? {}));
}
