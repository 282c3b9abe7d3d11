import { describe, expect, it } from 'vitest';
import { chinaCalendar } from '../calendar.ts';
import {
  checkClaim,
  DEFAULT_POOL_RULES,
  PoolRules,
  pickSurvivor,
  protectedUntil,
  reclaimDueAt,
  reclaimWarningAt,
} from './pool.ts';

const at = (s: string) => Date.parse(s);
const rules = PoolRules.parse({
  reclaimAfterIdleDays: 3,
  reclaimAfterNoDealDays: 0,
  warnDaysBefore: 1,
});

describe('pool timers on the working-day calendar', () => {
  it('counts a 调休 Saturday as a working day and skips the National Day holidays', () => {
    // Thu 2026-09-24 10:00 + 3 working days (Fri 25th is 中秋): Sep 28, 29, 30 → Sep 30 10:00
    expect(
      new Date(
        reclaimDueAt(
          rules,
          { lastFollowUpAt: at('2026-09-24T10:00:00+08:00'), ownedSince: 0, won: false },
          chinaCalendar,
        ) ?? 0,
      ).toISOString(),
    ).toBe('2026-09-30T02:00:00.000Z');
    const due = reclaimDueAt(
      rules,
      { lastFollowUpAt: at('2026-09-30T10:00:00+08:00'), ownedSince: 0, won: false },
      chinaCalendar,
    );
    // Oct 1–7 are holidays, Oct 10 (Sat) is a 调休 working day: Oct 8, 9, 10
    expect(new Date(due ?? 0).toISOString()).toBe('2026-10-10T02:00:00.000Z');
    const warn = reclaimWarningAt(rules, due ?? 0, at('2026-09-30T10:00:00+08:00'), chinaCalendar);
    expect(new Date(warn ?? 0).toISOString()).toBe('2026-10-09T02:00:00.000Z');
  });

  it('never reclaims when both rules are off, and takes the earlier of the two otherwise', () => {
    const off = PoolRules.parse({ reclaimAfterIdleDays: 0, reclaimAfterNoDealDays: 0 });
    expect(
      reclaimDueAt(off, { lastFollowUpAt: 0, ownedSince: 0, won: false }, chinaCalendar),
    ).toBeNull();
    const both = PoolRules.parse({ reclaimAfterIdleDays: 10, reclaimAfterNoDealDays: 2 });
    const t = at('2026-11-02T10:00:00+08:00');
    expect(
      reclaimDueAt(both, { lastFollowUpAt: t, ownedSince: t, won: false }, chinaCalendar),
    ).toBe(at('2026-11-04T10:00:00+08:00'));
    expect(reclaimDueAt(both, { lastFollowUpAt: t, ownedSince: t, won: true }, chinaCalendar)).toBe(
      at('2026-11-16T10:00:00+08:00'),
    );
  });

  it('extends protection on a follow-up up to the hard maximum', () => {
    const r = PoolRules.parse({ protectionDays: 2, protectionExtendDays: 3, protectionMaxDays: 4 });
    const claimed = at('2026-11-02T10:00:00+08:00');
    expect(protectedUntil(r, claimed, null, chinaCalendar)).toBe(at('2026-11-04T10:00:00+08:00'));
    expect(protectedUntil(r, claimed, at('2026-11-03T10:00:00+08:00'), chinaCalendar)).toBe(
      at('2026-11-06T10:00:00+08:00'),
    );
  });
});

describe('checkClaim', () => {
  const now = at('2026-11-04T10:00:00+08:00');
  const none = { wasOwner: false, releasedAt: null };
  it('refuses at the daily limit, at the holding cap and during the cool-down', () => {
    const r = PoolRules.parse({ dailyClaimLimit: 2, holdingCap: 3, coolDownDays: 2 });
    expect(
      checkClaim(r, { claimsToday: 2, holding: 0, holdingWon: 0 }, none, now, chinaCalendar),
    ).toEqual({
      code: 'claim-limit-reached',
      limit: 2,
    });
    expect(
      checkClaim(r, { claimsToday: 0, holding: 3, holdingWon: 0 }, none, now, chinaCalendar)?.code,
    ).toBe('holding-cap-reached');
    expect(
      checkClaim(r, { claimsToday: 0, holding: 3, holdingWon: 1 }, none, now, chinaCalendar),
    ).toBeNull();
    const prev = { wasOwner: true, releasedAt: at('2026-11-03T10:00:00+08:00') };
    expect(
      checkClaim(r, { claimsToday: 0, holding: 0, holdingWon: 0 }, prev, now, chinaCalendar)?.code,
    ).toBe('claim-cool-down');
    expect(
      checkClaim(
        DEFAULT_POOL_RULES,
        { claimsToday: 0, holding: 0, holdingWon: 0 },
        none,
        now,
        chinaCalendar,
      ),
    ).toBeNull();
  });
});

describe('pickSurvivor', () => {
  it('prefers the furthest stage, then the latest activity, then the oldest', () => {
    const a = { id: 'a', stageRank: 1, lastActivityAt: 5, createdAt: 1 };
    const b = { id: 'b', stageRank: 2, lastActivityAt: 1, createdAt: 9 };
    const c = { id: 'c', stageRank: 2, lastActivityAt: 3, createdAt: 9 };
    const d = { id: 'd', stageRank: 2, lastActivityAt: 3, createdAt: 2 };
    expect(pickSurvivor([a, b]).id).toBe('b');
    expect(pickSurvivor([a, b, c]).id).toBe('c');
    expect(pickSurvivor([a, b, c, d]).id).toBe('d');
  });
});
