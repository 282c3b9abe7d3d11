/**
 * What every service verb receives: the dependencies (no module singletons) and, for
 * signed-in calls, the acting user and the workspace's time.
 */
import type { Calendar, Role } from '@closeloop/engine';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { LiveHub } from '../../live.ts';
import type { SopCache } from '../sops/sop-cache.ts';
import type { TokenScope } from './token-scopes.ts';

export type Deps = {
  db: Db;
  clock: Clock;
  config: Config;
  sops: SopCache;
  live: LiveHub;
  /** Outbound delivery: `kick` asks the worker to fan out and claim now, not at its next tick. */
  outbound: { kick(): void };
};

export type AuthUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: 'zh-CN' | 'en';
  workspaceId: string;
  /** Teams the user belongs to (as member or manager). */
  teamIds: string[];
  /** Teams the user manages. */
  managedTeamIds: string[];
  /** The user's teams that are marked shared: a rep sees those teams' records. */
  sharedTeamIds: string[];
  /**
   * Set when the caller is an API token, not a person: `id` is then `token:<id>`
   * and the role `admin` (workspace-wide reach); what it may call is decided by its scopes
   * (access.ts, tokenMayCall) before any route runs.
   */
  token?: { id: string; name: string; scopes: TokenScope[] };
};

export type Ctx = Deps & {
  user: AuthUser;
  /** The workspace's current time in epoch ms (test-clock offset applied when enabled). */
  now: number;
  calendar: Calendar;
  /** The workspace's test-clock offset, 0 unless the test clock is on. */
  clockOffsetMs: number;
  /** The client's address, for the audit log; absent outside HTTP requests. */
  ip?: string | null;
};

export type Verb<I, O> = (args: { ctx: Ctx; input: I }) => Promise<O>;
