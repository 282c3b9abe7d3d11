/**
 * The engine's inputs and outputs. Everything here is plain JSON-serialisable data:
 * the server stores it, the editor's simulator and the tests replay it.
 */
import type { z } from 'zod';
import type { EngineEvent, RejectionCode } from './events.ts';
import type {
  Assignment,
  EscalationKind,
  HandoffOwner,
  LocalizedText,
  Role,
  Strategy,
} from './sop.ts';

export type { EngineEvent, EngineEventData, EngineEventOf, EngineEventType } from './events.ts';

export type FieldValue = string | number | boolean | string[] | null;
export type Fields = Record<string, FieldValue>;

/** A working-time calendar. Dates are local dates (YYYY-MM-DD) in `utcOffsetMinutes`. */
export type Calendar = {
  /** Minutes east of UTC; China is +480. */
  utcOffsetMinutes: number;
  /** Working hours each working day, local time, `HH:MM`. */
  workStart: string;
  workEnd: string;
  /** Days of the week that are normally off (0 = Sunday … 6 = Saturday). */
  weekend: number[];
  /** Extra days off (public holidays). */
  holidays: string[];
  /** Weekend days that are working days (调休). */
  workdays: string[];
};

export type RosterMember = {
  userId: string;
  active: boolean;
  /** Relative share for the weighted strategy; default 1. */
  weight?: number;
  /** Most open records this member may hold; no cap when absent. */
  cap?: number;
  /** Open records this member holds now. */
  openCount: number;
  /** On leave, or out of shift, at `now`: the caller works this out from the live roster. */
  away?: boolean;
};

export type RosterTeam = {
  id: string;
  managerIds: string[];
  members: RosterMember[];
  /** Round-robin position: how many assignments this team has made. */
  rrCursor: number;
  /** Total assignments per member so far, for the weighted strategy (smooth weighted rotation). */
  assigned?: Record<string, number>;
};

export type Roster = { teams: RosterTeam[] };

export type Actor = { id: string; role: Role; system?: boolean };

export type StepContext = {
  /** Epoch milliseconds; the engine never reads a clock. */
  now: number;
  actor: Actor;
  /** Deterministic id source for events and timers. */
  newId: () => string;
  roster: Roster;
  calendar: Calendar;
};

export type TimerSpec = {
  id: string;
  /** State node id (dot path) the timer belongs to. */
  stage: string;
  /** Index into the stage's escalation ladder; -1 is the SLA deadline itself (overdue mark). */
  rung: number;
  kind: EscalationKind | 'deadline';
  dueAt: number;
};

export type RecordStatus = 'open' | 'won' | 'lost' | 'done';

/** A record as the engine sees it; the server stores every part of it. */
export type RecordState = {
  id: string;
  sopId: string;
  sopVersion: number;
  status: RecordStatus;
  /** XState persisted snapshot value, e.g. `"lead"` or `{ followUp: "call" }`. */
  value: unknown;
  fields: Fields;
  ownerId: string | null;
  teamId: string | null;
  /**
   * Per active stage (state node id): when it was entered (and in which record version),
   * the fields at entry, and its SLA deadline — kept after the deadline passes, so a
   * breached stage stays overdue until the record leaves it.
   */
  stages: Record<
    string,
    { enteredAt: number; entry: number; fieldsAtEntry: Fields; dueAt?: number }
  >;
  /** Ticked checklist item ids per stage id. */
  checklist: Record<string, string[]>;
  /** Timers scheduled and not yet fired or cancelled. */
  timers: TimerSpec[];
  /** Earliest SLA deadline of the active stages (past ones included) while open, else null. */
  dueAt: number | null;
  lostReason: string | null;
  /** Monotonic; bumped by every accepted command. */
  version: number;
  createdAt: number;
  updatedAt: number;
};

export type Command =
  | {
      type: 'create';
      recordId: string;
      fields?: Fields;
      ownerId?: string;
      teamId?: string;
      /** Routes the new record to this team instead of the initial stage's owner rules. */
      assign?: Assignment;
      /** The record whose action started this one (a cross-SOP handoff). */
      from?: HandoffSource;
    }
  | { type: 'perform'; action: string; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'edit'; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'reassign'; toUserId?: string; teamId?: string; reason?: string }
  | { type: 'timer'; timerId: string }
  | { type: 'close'; reason: string }
  | { type: 'reopen'; reason?: string }
  /** An admin moves the record past a failed gate; requires a reason, recorded as such. */
  | { type: 'override'; action: string; reason: string; fields?: Fields };

export type Effect =
  | {
      type: 'assign';
      userId: string | null;
      teamId: string | null;
      strategy: Strategy | 'manual' | 'keep';
      /** Updated rotation state for the team, to persist. */
      rrCursor?: number;
    }
  | { type: 'scheduleTimer'; timer: TimerSpec }
  | { type: 'cancelTimer'; timerId: string }
  | {
      type: 'notify';
      userIds: string[];
      kind: 'reminder' | 'escalation' | 'assigned' | 'handed-over' | 'overdue';
      message: LocalizedText;
    }
  | { type: 'webhook'; event: string; payload: Record<string, unknown> }
  /**
   * Start `recordId` on the latest published version of `sopId` for the acting record's
   * customer, in the same transaction (the server runs the target's create command).
   */
  | {
      type: 'handoff';
      recordId: string;
      sopId: string;
      fields: Fields;
      owner: HandoffOwner;
      /** The acting record's owner and team after the action (for `owner: 'same'`). */
      ownerId: string | null;
      teamId: string | null;
      from: HandoffSource;
    };

/** The record and action that started a record through a handoff. */
export type HandoffSource = { recordId: string; sopId: string; action: string };

export type GateFailure = {
  /** Path of the condition inside the gate, e.g. `all[1].any[0]`. */
  path: string;
  fact: string;
  operator: string;
  message: LocalizedText;
  /** Fields that, filled or changed, would satisfy this condition. */
  fields: string[];
};

export type Rejection = {
  code: z.infer<typeof RejectionCode>;
  message: LocalizedText;
  failures: GateFailure[];
};

export type StepResult =
  | { ok: true; record: RecordState; events: EngineEvent[]; effects: Effect[] }
  | { ok: false; rejection: Rejection };

export type { Assignment };
