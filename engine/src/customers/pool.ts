/**
 * The 公海 public pool's rules and the decisions made from them: when an owned customer
 * is warned and reclaimed, whether a rep may claim, and which of two customers survives a
 * merge. Pure: time and counts arrive as arguments.
 */
import { z } from 'zod';
import { addDuration } from '../calendar.ts';
import type { Calendar } from '../types.ts';

/** One pool's rules; a team's override replaces the workspace default as a whole. */
export const PoolRules = z.object({
  /** Reclaim after this many working days without a follow-up (0: never). */
  reclaimAfterIdleDays: z.number().int().min(0).max(365).default(15),
  /** Reclaim after this many working days owned without a won deal (0: never). */
  reclaimAfterNoDealDays: z.number().int().min(0).max(730).default(90),
  /** Warn the owner this many working days before a reclaim (0: no warning). */
  warnDaysBefore: z.number().int().min(0).max(30).default(3),
  /** Protection after a claim: others cannot take the customer meanwhile. */
  protectionDays: z.number().int().min(0).max(365).default(7),
  /** A follow-up extends protection by this many working days, up to `protectionMaxDays`. */
  protectionExtendDays: z.number().int().min(0).max(365).default(3),
  protectionMaxDays: z.number().int().min(0).max(730).default(30),
  /** Claims per rep per working day (0: no limit). */
  dailyClaimLimit: z.number().int().min(0).max(1000).default(10),
  /** Customers a rep may hold at once (0: no cap). */
  holdingCap: z.number().int().min(0).max(100_000).default(200),
  /** Won customers do not count toward the holding cap. */
  excludeWonFromCap: z.boolean().default(true),
  /** Working days before the previous owner may claim a reclaimed customer again. */
  coolDownDays: z.number().int().min(0).max(365).default(5),
  /** Show phone numbers in the pool only after a claim. */
  maskPhones: z.boolean().default(true),
});
export type PoolRules = z.infer<typeof PoolRules>;

export const DEFAULT_POOL_RULES: PoolRules = PoolRules.parse({});

const days = (n: number) => `P${n}D`;

/** When an owned customer is reclaimed, given its last follow-up and its claim; null: never. */
export function reclaimDueAt(
  rules: PoolRules,
  at: { lastFollowUpAt: number; ownedSince: number; won: boolean },
  cal: Calendar,
): number | null {
  const due: number[] = [];
  if (rules.reclaimAfterIdleDays > 0) {
    due.push(addDuration(at.lastFollowUpAt, days(rules.reclaimAfterIdleDays), 'working', cal));
  }
  if (rules.reclaimAfterNoDealDays > 0 && !at.won) {
    due.push(addDuration(at.ownedSince, days(rules.reclaimAfterNoDealDays), 'working', cal));
  }
  return due.length ? Math.min(...due) : null;
}

/** When the owner is warned before a reclaim due at `dueAt`; null: no warning. */
export function reclaimWarningAt(
  rules: PoolRules,
  dueAt: number,
  lastFollowUpAt: number,
  cal: Calendar,
): number | null {
  if (rules.warnDaysBefore <= 0 || rules.reclaimAfterIdleDays <= rules.warnDaysBefore) return null;
  const at = addDuration(
    lastFollowUpAt,
    days(rules.reclaimAfterIdleDays - rules.warnDaysBefore),
    'working',
    cal,
  );
  return at < dueAt ? at : null;
}

/** Until when a claim protects the customer, after a follow-up at `followUpAt` (if any). */
export function protectedUntil(
  rules: PoolRules,
  claimedAt: number,
  followUpAt: number | null,
  cal: Calendar,
): number {
  const first = addDuration(claimedAt, days(rules.protectionDays), 'working', cal);
  if (followUpAt === null || rules.protectionExtendDays === 0) return first;
  const max = addDuration(claimedAt, days(rules.protectionMaxDays), 'working', cal);
  const extended = addDuration(followUpAt, days(rules.protectionExtendDays), 'working', cal);
  return Math.min(max, Math.max(first, extended));
}

export type ClaimRefusal =
  | { code: 'claim-limit-reached'; limit: number }
  | { code: 'holding-cap-reached'; cap: number }
  | { code: 'claim-cool-down'; until: number };

/** Whether a rep may claim now; the reason when not. */
export function checkClaim(
  rules: PoolRules,
  rep: { claimsToday: number; holding: number; holdingWon: number },
  previous: { wasOwner: boolean; releasedAt: number | null },
  now: number,
  cal: Calendar,
): ClaimRefusal | null {
  if (rules.dailyClaimLimit > 0 && rep.claimsToday >= rules.dailyClaimLimit) {
    return { code: 'claim-limit-reached', limit: rules.dailyClaimLimit };
  }
  const held = rules.excludeWonFromCap ? rep.holding - rep.holdingWon : rep.holding;
  if (rules.holdingCap > 0 && held >= rules.holdingCap) {
    return { code: 'holding-cap-reached', cap: rules.holdingCap };
  }
  if (previous.wasOwner && previous.releasedAt !== null && rules.coolDownDays > 0) {
    const until = addDuration(previous.releasedAt, days(rules.coolDownDays), 'working', cal);
    if (now < until) return { code: 'claim-cool-down', until };
  }
  return null;
}

/** What the survivor rule compares for each customer of a merge. */
export type MergeCandidate = {
  id: string;
  /** How far its furthest record got (higher is further: a won record beats an open one). */
  stageRank: number;
  lastActivityAt: number;
  createdAt: number;
};

/**
 * The customer that survives a merge: furthest stage, then latest activity, then oldest
 * (ties broken by id so the rule is total).
 */
export function pickSurvivor<T extends MergeCandidate>(candidates: readonly T[]): T {
  const sorted = [...candidates].sort(
    (a, b) =>
      b.stageRank - a.stageRank ||
      b.lastActivityAt - a.lastActivityAt ||
      a.createdAt - b.createdAt ||
      a.id.localeCompare(b.id),
  );
  const first = sorted[0];
  if (!first) throw new Error('a merge needs at least one customer');
  return first;
}
