import { useEffect, useState } from 'react';
import { useWorkspaceTime, type WorkspaceCalendar } from './api.ts';

/**
 * The workspace's time (the server's clock, test clock included), ticking every `everyMs`,
 * and its working-time calendar.
 */
export function useNow(everyMs = 30_000): { now: number; calendar: WorkspaceCalendar | undefined } {
  const time = useWorkspaceTime();
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setTick(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return { now: tick + (time.data?.offsetMs ?? 0), calendar: time.data?.calendar };
}
