/**
 * What each open action still needs, re-checked in the browser as the rep types: the pure
 * engine evaluates the SOP's gates against the record with the unsaved inputs applied. The
 * server's verdict (from the last load) stands until the engine has loaded, and the server
 * checks again when the action is taken.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Fields, OpenAction, RecordView } from './api.ts';
import { useSopDocument, type WorkspaceCalendar } from './api.ts';

type Engine = typeof import('@closeloop/engine');

let enginePromise: Promise<Engine> | null = null;
const loadEngine = () => {
  enginePromise ??= import('@closeloop/engine');
  return enginePromise;
};

export function useLiveGates(opts: {
  record: RecordView;
  serverActions: OpenAction[];
  draft: Fields;
  actor: { id: string; role: 'admin' | 'manager' | 'trainer' | 'rep' } | null;
  now: number;
  calendar: WorkspaceCalendar | undefined;
}): { actions: OpenAction[]; live: boolean } {
  const { record, serverActions, draft, now, calendar } = opts;
  const actorId = opts.actor?.id;
  const actorRole = opts.actor?.role;
  // a stable actor: a new object each render would re-run the evaluation forever
  const actor = useMemo(
    () => (actorId && actorRole ? { id: actorId, role: actorRole } : null),
    [actorId, actorRole],
  );
  const [engine, setEngine] = useState<Engine | null>(null);
  const doc = useSopDocument(record.sopId, record.sopVersion);
  useEffect(() => {
    let alive = true;
    loadEngine()
      .then((e) => {
        if (alive) setEngine(e);
      })
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, []);
  const compiled = useMemo(() => {
    if (!engine || doc.data === undefined) return null;
    try {
      const parsed = engine.parseSop(doc.data);
      return parsed.ok ? engine.compile(parsed.doc) : null;
    } catch {
      return null;
    }
  }, [engine, doc.data]);

  const draftKey = JSON.stringify(draft);
  const [result, setResult] = useState<{ key: string; actions: OpenAction[] } | null>(null);
  // minute resolution is plenty for time-in-stage facts and keeps this from re-running
  const minute = Math.floor(now / 60_000);
  const evalKey = `${record.id}@${record.version}:${draftKey}:${minute}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: evalKey stands for record, draft and minute
  useEffect(() => {
    if (!engine || !compiled || !actor || Object.keys(draft).length === 0) return;
    let alive = true;
    const state = {
      ...record,
      value: record.value,
      fields: { ...record.fields, ...draft },
      stages: Object.fromEntries(
        Object.entries(record.stages).map(([k, v]) => [
          k,
          { enteredAt: v.enteredAt, entry: v.entry, fieldsAtEntry: v.fieldsAtEntry ?? {} },
        ]),
      ),
      timers: [],
    };
    engine
      .openActions(compiled, state, {
        now: minute * 60_000,
        actor,
        calendar: calendar ?? engine.chinaCalendar,
      })
      .then((actions) => {
        if (alive) setResult({ key: evalKey, actions });
      })
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [engine, compiled, actor, calendar, evalKey]);

  if (Object.keys(draft).length === 0) return { actions: serverActions, live: false };
  if (result && result.key === evalKey) {
    // keep the server's `allowed` (it knows the role rules the same way) and labels
    return { actions: result.actions, live: true };
  }
  return { actions: serverActions, live: false };
}
