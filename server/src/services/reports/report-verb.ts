/**
 * The verb every figure report answers through: the caller must be allowed to see the
 * report (managers their own teams) before the SOP's stage catalogue is loaded and the
 * figures are computed. The figure functions (funnelFor, breachesFor…) stay callable
 * without it, for the CSV export and the rollup checks.
 */
import type { Ctx, Verb } from '../core/context.ts';
import { assertCanReport, loadSopContext, type ReportFilters, type SopContext } from './scope.ts';

/** A report of one SOP (its stages are the rows): `sopId` is required. */
export function sopReport<T>(
  figuresFor: (ctx: Ctx, input: ReportFilters, sop: SopContext) => Promise<T>,
): Verb<ReportFilters & { sopId: string }, T> {
  return async ({ ctx, input }) => {
    assertCanReport(ctx, input);
    const sop = await loadSopContext(ctx, input.sopId, input.version);
    return figuresFor(ctx, input, sop);
  };
}

/** A report over every SOP, or over one when `sopId` is given. */
export function anySopReport<T>(
  figuresFor: (ctx: Ctx, input: ReportFilters, sop: SopContext | null) => Promise<T>,
): Verb<ReportFilters, T> {
  return async ({ ctx, input }) => {
    assertCanReport(ctx, input);
    const sop = input.sopId ? await loadSopContext(ctx, input.sopId, input.version) : null;
    return figuresFor(ctx, input, sop);
  };
}
