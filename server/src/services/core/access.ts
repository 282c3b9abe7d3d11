/**
 * Who may touch what. One place, used by every verb and mirrored in list queries:
 * admin → the workspace; manager → their teams' records and their own; rep → their own
 * records and those of their teams marked shared; trainer → the SOP library and training,
 * no live records. Every query is also scoped to the caller's workspace. An API token acts
 * for the workspace (role admin) but only within the operations its scopes name
 * (tokenMayCall, checked before any route runs).
 */
import type { AuthUser } from './context.ts';
import { Forbidden } from './errors.ts';
import type { TokenScope } from './token-scopes.ts';

export type RecordRef = { ownerId: string | null; teamId: string | null };

export function canSeeRecord(user: AuthUser, rec: RecordRef): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'trainer':
      return false;
    case 'manager':
      return rec.ownerId === user.id || (rec.teamId !== null && user.teamIds.includes(rec.teamId));
    case 'rep':
      return (
        rec.ownerId === user.id || (rec.teamId !== null && user.sharedTeamIds.includes(rec.teamId))
      );
  }
}

/**
 * The records canSeeRecord lets `user` see, as keys to find the user by (live updates index
 * their streams with it, server/src/live.ts): every record (`all`), or those owned by the
 * user and those whose team is one of `teams`. Keep in step with canSeeRecord.
 */
export function recordScope(user: AuthUser): { all: boolean; teams: string[] } {
  switch (user.role) {
    case 'admin':
      return { all: true, teams: [] };
    case 'trainer':
      return { all: false, teams: [] };
    case 'manager':
      return { all: false, teams: user.teamIds };
    case 'rep':
      return { all: false, teams: user.sharedTeamIds };
  }
}

export function assertCanSeeRecord(user: AuthUser, rec: RecordRef): void {
  if (!canSeeRecord(user, rec)) throw new Forbidden('this record belongs to another team');
}

/** Reassigning and reopening are for managers of the record's team and admins. */
export function assertCanManageRecord(user: AuthUser, rec: RecordRef): void {
  assertCanSeeRecord(user, rec);
  if (user.role === 'admin') return;
  if (user.role === 'manager') return;
  throw new Forbidden('only a manager or an admin may do this');
}

export function assertRole(user: AuthUser, roles: AuthUser['role'][], what: string): void {
  if (!roles.includes(user.role))
    throw new Forbidden(`${what} needs the role ${roles.join(' or ')}`);
}

/** Live records are not for trainers. */
export function assertWorksRecords(user: AuthUser): void {
  if (user.role === 'trainer') throw new Forbidden('trainers work with the SOP library only');
}

export const SOP_EDITORS: AuthUser['role'][] = ['admin', 'manager', 'trainer'];
export const SOP_PUBLISHERS: AuthUser['role'][] = ['admin', 'manager'];

/**
 * The SQL condition for records the user may see, with its parameters numbered from `from`.
 * Returns null for everything (admin); `false` SQL for nothing.
 */
export function visibilitySql(
  user: AuthUser,
  from: number,
  alias = 'r',
): { sql: string; params: unknown[] } | null {
  if (user.role === 'admin') return null;
  if (user.role === 'trainer') return { sql: 'false', params: [] };
  return {
    sql: `(${alias}.owner_id = $${from} or ${alias}.team_id = any($${from + 1}::text[]))`,
    params: [user.id, user.role === 'rep' ? user.sharedTeamIds : user.teamIds],
  };
}

export { TOKEN_SCOPES, type TokenScope } from './token-scopes.ts';

const RECORD_READS = [
  'listRecords',
  'getRecord',
  'listRecordEvents',
  'findDuplicates',
  'listCustomers',
  'getCustomer',
];
const SOP_READS = ['listSops', 'getSop', 'listSopVersions', 'getSopVersion'];
const RECORD_WRITES = [
  'createRecord',
  'performAction',
  'updateRecordFields',
  'reassignRecord',
  'closeRecord',
  'reopenRecord',
];

/**
 * The operations (OpenAPI operationIds) each token scope reaches; everything else — admin,
 * training, library editing, reports and their export, the test clock, sessions, next
 * actions and notifications (which belong to a person) — is refused, including routes added
 * later. read: record and SOP reads; write: read plus the record commands; intake: creating
 * records and checking for duplicates.
 */
export const TOKEN_OPERATIONS: Record<TokenScope, ReadonlySet<string>> = {
  read: new Set([...RECORD_READS, ...SOP_READS]),
  write: new Set([...RECORD_READS, ...SOP_READS, ...RECORD_WRITES]),
  intake: new Set(['createRecord', 'findDuplicates', 'intakeLead', 'intakePush']),
};

/** Whether a token with these scopes may call the operation (health is open to any token). */
export function tokenMayCall(scopes: readonly TokenScope[], operationId: string | undefined) {
  if (!operationId) return false;
  if (operationId === 'health' || operationId === 'liveness') return true;
  return scopes.some((s) => TOKEN_OPERATIONS[s].has(operationId));
}
