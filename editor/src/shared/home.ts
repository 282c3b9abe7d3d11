import type { Role } from './api/queries.ts';

/** Where a user lands after signing in. */
export function homeFor(role: Role | undefined): string {
  return role === 'rep' ? '/next' : '/sops';
}
