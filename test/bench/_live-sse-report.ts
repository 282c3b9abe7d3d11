/** The live-sse bench's printed report, from the figures it also writes as JSON. */
import { machineLine } from './_results.ts';
import { fmt, table } from './server-common.ts';

type Mem = { rss: number; hwm: number };
type LoadFigures = {
  actionsMeasured: number;
  actionsFailed: number;
  actionMs: { p50: number; p99: number };
  serverCpuMsPerAction: number;
  dbCpuMsPerAction: number;
  rssMedianMb: number;
};

export type LiveSseFigures = {
  streamsOpen: number;
  streamsFailedToOpen: number;
  streamsClosedByServer: number;
  sessions: number;
  perSession: number;
  managers: number;
  reps: number;
  openSeconds: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  actionsMeasured: number;
  actionsPerSecond: number;
  actionsFailed: number;
  actionsSkippedAllBusy: number;
  deliveriesExpected: number;
  deliveriesReceived: number;
  deliveriesLost: number;
  deliveriesDuplicated: number;
  deliveriesUnexpected: number;
  deliveriesPerSecond: number;
  latencyFromResponseMs: { p50: number; p99: number; max: number; min?: number };
  latencyFromSendMs: { p50: number; p99: number; max: number };
  actionMs: { p50: number; p99: number };
  serverMemoryMb: {
    noStreams: Mem;
    afterBaselineLoad: Mem;
    idleStreams: Mem;
    underLoad: Mem & { rssMedian: number; rssMax?: number };
  };
  serverCpuMsPerAction: number;
  dbCpuMsPerAction: number;
  serverCpuIdleStreamsPercent: number;
  baselineNoStreams: (LoadFigures & { seconds: number }) | null;
};

export function printLiveSse(f: LiveSseFigures): void {
  console.log(
    `\nLive updates: ${f.streamsOpen} SSE streams (${f.sessions} sessions × ${f.perSession}; ${f.managers} managers, ${f.reps} reps) on one server process, ${f.rate} actions/s for ${f.seconds} s after ${f.warmupSeconds} s warm-up`,
  );
  console.log('goal: p99 commit → delivery < 250 ms, server RSS < 300 MB');
  console.log(`${machineLine()}\n`);
  const latency = (from: string, l: { p50: number; p99: number; max: number }) => ({
    'delivery latency from': from,
    'p50 ms': fmt(l.p50, 1),
    'p99 ms': fmt(l.p99, 1),
    'max ms': fmt(l.max, 1),
  });
  table([
    latency('HTTP response (commit)', f.latencyFromResponseMs),
    latency('request sent', f.latencyFromSendMs),
  ]);
  console.log();
  table([
    {
      actions: f.actionsMeasured,
      'actions/s': fmt(f.actionsPerSecond),
      failed: f.actionsFailed,
      'skipped (all busy)': f.actionsSkippedAllBusy,
      expected: f.deliveriesExpected,
      received: f.deliveriesReceived,
      lost: f.deliveriesLost,
      dup: f.deliveriesDuplicated,
      unexpected: f.deliveriesUnexpected,
      'deliveries/s': fmt(f.deliveriesPerSecond),
    },
  ]);
  console.log();
  const loadRow = (what: string, l: LoadFigures) => ({
    load: what,
    actions: l.actionsMeasured,
    failed: l.actionsFailed,
    'action p50 ms': fmt(l.actionMs.p50, 1),
    'action p99 ms': fmt(l.actionMs.p99, 1),
    'server cpu ms/action': fmt(l.serverCpuMsPerAction, 2),
    'db cpu ms/action': fmt(l.dbCpuMsPerAction, 2),
    'median VmRSS MB': fmt(l.rssMedianMb),
  });
  const mem = f.serverMemoryMb;
  table([
    ...(f.baselineNoStreams ? [loadRow('no streams', f.baselineNoStreams)] : []),
    loadRow(`${f.streamsOpen} streams`, { ...f, rssMedianMb: mem.underLoad.rssMedian }),
  ]);
  console.log();
  const memRows: Array<[string, number, number]> = [
    ['no streams, before any load', mem.noStreams.rss, mem.noStreams.hwm],
    ...(f.baselineNoStreams
      ? [
          [
            'no streams, after the baseline load',
            mem.afterBaselineLoad.rss,
            mem.afterBaselineLoad.hwm,
          ] as [string, number, number],
        ]
      : []),
    [`${f.streamsOpen} idle streams`, mem.idleStreams.rss, mem.idleStreams.hwm],
    ['streams under load (median sample)', mem.underLoad.rssMedian, mem.underLoad.hwm],
    ['streams under load (end)', mem.underLoad.rss, mem.underLoad.hwm],
  ];
  table(
    memRows.map(([server, rss, hwm]) => ({ server, 'VmRSS MB': fmt(rss), 'VmHWM MB': fmt(hwm) })),
  );
  console.log(
    `\nstreams opened in ${f.openSeconds.toFixed(1)} s (${f.streamsFailedToOpen} failed); ${f.streamsClosedByServer} closed by the server during the run; server CPU with idle streams ${f.serverCpuIdleStreamsPercent.toFixed(1)}%`,
  );
  console.log(machineLine());
}
