import type { Calendar } from '@closeloop/engine';
import type { Verb } from './context.ts';

export type WorkspaceTime = {
  /** The workspace's now in epoch ms (the test-clock offset applied when it is on). */
  now: number;
  /** The working-time calendar SLAs with `clock: working` are measured against. */
  calendar: Calendar;
  testClock: boolean;
};

/** What a client needs to show time left the way the server counts it. */
export const getWorkspaceTime: Verb<Record<string, never>, WorkspaceTime> = async ({ ctx }) => ({
  now: ctx.now,
  calendar: ctx.calendar,
  testClock: ctx.config.testClock,
});
