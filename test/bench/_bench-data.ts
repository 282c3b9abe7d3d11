/** Shared by the reports benchmark's generator and query timer: which data set to use. */
export const BENCH_WS = 'bench';
export const BENCH_SOP = 'inbound-bench';

/** Records to generate: `--records N`, else BENCH_RECORDS, else one million. */
export function benchRecords(args: string[]): number {
  const i = args.indexOf('--records');
  const raw = i >= 0 ? args[i + 1] : process.env.BENCH_RECORDS;
  const n = raw ? Number.parseInt(raw, 10) : 1_000_000;
  if (!Number.isFinite(n) || n < 1000) throw new Error('records must be a number ≥ 1000');
  return n;
}
