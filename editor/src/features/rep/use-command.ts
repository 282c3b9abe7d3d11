/**
 * Writes that survive bad networks. A submit keeps its Idempotency-Key until it gets an
 * answer: lost responses and 5xx are retried (automatically a couple of times, then by the
 * person, or when the browser comes back online) with the same key and body, so the server
 * applies the command once. A stale version (409) hands back the record as it is now, for
 * the conflict dialog; a failed gate (422) hands back what is still missing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api/client.ts';
import {
  type CommandResult,
  type GateFailure,
  gateFailuresOf,
  NetworkFailure,
  newIdempotencyKey,
  type RecordView,
  sendCommand,
  staleRecordOf,
} from './api.ts';

export type CommandState =
  | { status: 'idle' }
  | { status: 'sending'; attempt: number }
  | { status: 'offline'; attempts: number }
  | { status: 'conflict'; current: RecordView }
  | { status: 'blocked'; failures: GateFailure[]; error: ApiError }
  | { status: 'error'; error: unknown };

type Pending = { method: 'POST' | 'PATCH'; path: string; body: unknown; json: string; key: string };

const AUTO_RETRY_DELAYS = [700, 2000];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Command = {
  state: CommandState;
  /** Sends; resolves to the result, or null when it did not go through (see `state`). */
  run(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<CommandResult | null>;
  /** Sends the failed request again, same key and body. */
  retry(): Promise<CommandResult | null>;
  reset(): void;
  /** The key of the request waiting for an answer (tests and diagnostics). */
  pendingKey(): string | null;
};

export function useCommand(onSuccess?: (r: CommandResult) => void): Command {
  const [state, setState] = useState<CommandState>({ status: 'idle' });
  const pending = useRef<Pending | null>(null);
  const success = useRef(onSuccess);
  success.current = onSuccess;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const set = useCallback((s: CommandState) => {
    if (mounted.current) setState(s);
  }, []);

  const attempt = useCallback(async (): Promise<CommandResult | null> => {
    const p = pending.current;
    if (!p) return null;
    for (let i = 0; ; i++) {
      set({ status: 'sending', attempt: i + 1 });
      try {
        const data = await sendCommand(p.method, p.path, p.body, p.key);
        if (pending.current === p) pending.current = null;
        set({ status: 'idle' });
        success.current?.(data);
        return data;
      } catch (e) {
        if (e instanceof NetworkFailure) {
          const delay = AUTO_RETRY_DELAYS[i];
          if (delay !== undefined && pending.current === p) {
            await sleep(delay);
            continue;
          }
          set({ status: 'offline', attempts: i + 1 });
          return null;
        }
        // the server answered: this key is spent (or the request was refused)
        if (pending.current === p) pending.current = null;
        const current = staleRecordOf(e);
        if (current) {
          set({ status: 'conflict', current });
          return null;
        }
        const failures = gateFailuresOf(e);
        if (failures && e instanceof ApiError) {
          set({ status: 'blocked', failures, error: e });
          return null;
        }
        set({ status: 'error', error: e });
        return null;
      }
    }
  }, [set]);

  const run = useCallback(
    (method: 'POST' | 'PATCH', path: string, body: unknown) => {
      const json = JSON.stringify(body);
      const prev = pending.current;
      // the same request again (a retry after no answer) keeps its key
      const key = prev && prev.path === path && prev.json === json ? prev.key : newIdempotencyKey();
      pending.current = { method, path, body, json, key };
      return attempt();
    },
    [attempt],
  );

  useEffect(() => {
    if (state.status !== 'offline') return;
    const online = () => void attempt();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [state.status, attempt]);

  return {
    state,
    run,
    retry: attempt,
    reset: () => {
      pending.current = null;
      set({ status: 'idle' });
    },
    pendingKey: () => pending.current?.key ?? null,
  };
}
