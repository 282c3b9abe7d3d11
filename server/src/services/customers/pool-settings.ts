/**
 * Pool rules and duplicate policies: the workspace default (`default`) and a team's override
 * (`team:<id>`), which replaces the default's rules as a whole when present.
 */
import { DEFAULT_POOL_RULES, PoolRules } from '@closeloop/engine';
import { z } from 'zod';
import type { Row } from '../../db/client.ts';
import {
  DEFAULT_POLICIES,
  DUPLICATE_POLICIES,
  type DuplicatePolicy,
  ENTRY_CHANNELS,
  type EntryChannel,
} from './resolve-customer.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

export const Policies = z.partialRecord(z.enum(ENTRY_CHANNELS), z.enum(DUPLICATE_POLICIES));

export type PoolSettings = {
  id: string;
  teamId: string | null;
  rules: PoolRules;
  policies: Record<EntryChannel, DuplicatePolicy>;
  /** Whether this pool has its own row (a team without one follows the default). */
  stored: boolean;
};

export const poolIdOf = (teamId: string | null) => (teamId ? `team:${teamId}` : 'default');

function settingsOf(row: Row | undefined, id: string, teamId: string | null): PoolSettings {
  const rules = PoolRules.safeParse(row?.rules ?? {});
  const policies = Policies.safeParse(row?.policies ?? {});
  return {
    id,
    teamId,
    rules: rules.success ? rules.data : DEFAULT_POOL_RULES,
    policies: { ...DEFAULT_POLICIES, ...(policies.success ? policies.data : {}) },
    stored: !!row,
  };
}

/** The settings that apply to a team's customers (its override, else the default). */
export async function loadPoolSettings(
  q: Q,
  workspaceId: string,
  teamId: string | null,
): Promise<PoolSettings> {
  const ids = teamId ? [poolIdOf(teamId), 'default'] : ['default'];
  const rows = await q(
    'select id, team_id, rules, policies from pools where workspace_id = $1 and id = any($2::text[])',
    [workspaceId, ids],
  );
  const own = rows.find((r) => r.id === poolIdOf(teamId));
  if (own) return settingsOf(own, poolIdOf(teamId), teamId);
  const def = rows.find((r) => r.id === 'default');
  // the default's duplicate policies hold for every channel; rules follow the default too
  return { ...settingsOf(def, 'default', null), stored: !!def };
}

/** Every stored pool plus the default (always listed). */
export async function listPoolSettings(q: Q, workspaceId: string): Promise<PoolSettings[]> {
  const rows = await q(
    'select id, team_id, rules, policies from pools where workspace_id = $1 order by id',
    [workspaceId],
  );
  const out = rows.map((r) =>
    settingsOf(r, String(r.id), typeof r.team_id === 'string' ? r.team_id : null),
  );
  if (!out.some((p) => p.id === 'default')) out.unshift(settingsOf(undefined, 'default', null));
  return out;
}
