/**
 * Live updates: one EventSource on /api/stream for the signed-in app. Each server event
 * invalidates the queries it affects; a reconnect refreshes everything (events may have been
 * missed while away). New notifications are announced once, with their text.
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { z } from 'zod/mini';
import { type Notification, repKeys } from './api.ts';

const RecordChanged = z.object({ recordId: z.string() });
const NotificationEvent = z.object({ id: z.string(), recordId: z.nullable(z.string()) });

function parse<T>(
  schema: { safeParse: (v: unknown) => { success: boolean; data?: T } },
  raw: string,
) {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? (r.data ?? null) : null;
  } catch {
    return null;
  }
}

function invalidateRecord(qc: QueryClient, recordId: string) {
  void qc.invalidateQueries({ queryKey: repKeys.record(recordId) });
  void qc.invalidateQueries({ queryKey: repKeys.events(recordId) });
  void qc.invalidateQueries({ queryKey: repKeys.nextAll });
  void qc.invalidateQueries({ queryKey: repKeys.teamAll });
  // a timer firing is how a test clock moving shows itself: re-read the workspace time
  void qc.invalidateQueries({ queryKey: repKeys.time });
}

/**
 * Subscribes while `enabled`. `onNotification` sees each new notification once, after the
 * inbox query has fetched it.
 */
export function useLiveUpdates(enabled: boolean, onNotification?: (n: Notification) => void) {
  const qc = useQueryClient();
  const announce = useRef(onNotification);
  announce.current = onNotification;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/stream', { withCredentials: true });
    let opened = false;
    const seen = new Set<string>();
    source.addEventListener('ready', () => {
      document.documentElement.dataset.live = 'on';
      if (opened) {
        // reconnected: whatever happened meanwhile was not heard
        void qc.invalidateQueries({ queryKey: repKeys.all });
      }
      opened = true;
    });
    source.addEventListener('record.changed', (e) => {
      const p = parse(RecordChanged, e instanceof MessageEvent ? String(e.data) : '');
      if (p) invalidateRecord(qc, p.recordId);
    });
    source.addEventListener('next-action', () => {
      void qc.invalidateQueries({ queryKey: repKeys.nextAll });
    });
    source.addEventListener('notification', async (e) => {
      const p = parse(NotificationEvent, e instanceof MessageEvent ? String(e.data) : '');
      if (!p || seen.has(p.id)) return;
      seen.add(p.id);
      await qc.invalidateQueries({ queryKey: repKeys.notifications });
      const list = qc.getQueryData<{ items: Notification[] }>(repKeys.notifications);
      const n = list?.items.find((x) => x.id === p.id);
      if (n) announce.current?.(n);
    });
    source.onerror = () => {
      document.documentElement.dataset.live = 'off';
    };
    return () => {
      source.close();
      document.documentElement.dataset.live = 'off';
    };
  }, [enabled, qc]);
}
