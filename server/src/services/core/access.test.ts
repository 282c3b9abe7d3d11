/**
 * recordScope must cover canSeeRecord: live updates hand a change only to the streams whose
 * scope names it (server/src/live.ts), so a record the user may see but the scope missed
 * would never reach them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSeeRecord, recordScope } from './access.ts';
import type { AuthUser } from './context.ts';

const ids = fc.constantFrom('a', 'b', 'c');
const teams = fc.uniqueArray(fc.constantFrom('t1', 't2', 't3'));

describe('recordScope', () => {
  it('covers every record canSeeRecord lets the user see', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('admin', 'manager', 'rep', 'trainer' as const),
        ids,
        teams,
        teams,
        fc.option(ids),
        fc.option(fc.constantFrom('t1', 't2', 't3')),
        (role, id, teamIds, sharedTeamIds, ownerId, teamId) => {
          const user = {
            id,
            role,
            teamIds,
            sharedTeamIds,
            managedTeamIds: [],
            workspaceId: 'w',
            email: '',
            name: '',
            locale: 'en',
          } as AuthUser;
          const rec = { ownerId, teamId };
          if (!canSeeRecord(user, rec)) return;
          const scope = recordScope(user);
          expect(
            scope.all || ownerId === id || (teamId !== null && scope.teams.includes(teamId)),
          ).toBe(true);
        },
      ),
    );
  });
});
