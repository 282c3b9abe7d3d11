import type {
  Actor,
  Calendar,
  Command,
  EngineEvent,
  openActions,
  RecordState,
  StepContext,
  StepResult,
} from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import type { Deps } from '../core/context.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import type { RecordView } from './record-view.ts';

export type Idempotency = { userId: string; key: string; hash: string };

export type CommandEnv = Deps & {
  workspaceId: string;
  actor: Actor;
  now: number;
  calendar: Calendar;
};

export type CommandResult = {
  record: RecordView;
  sop: { sopId: string; version: number };
  openActions: Awaited<ReturnType<typeof openActions>>;
  events: EngineEvent[];
};

export type RunCommand = {
  env: CommandEnv;
  recordId: string;
  cmd: Command;
  /** For create: the SOP version the record starts on. */
  sop?: LoadedSop;
  expectedVersion?: number;
  idempotency?: Idempotency;
  /** Throws (Forbidden) when the actor may not touch this record. */
  authorize?: (record: RecordState) => void;
  /** Users whose teams the roster must include (a named owner, a reassign target). */
  rosterUsers?: string[];
  /** Extra guarded statements (e.g. marking a timer fired); each must return one row. */
  guards?: Stmt[];
  /** Retry a command that lost a version race (system commands only). */
  retryOnStale?: number;
  /** Decides instead of the engine's step (record migration); must fold events with evolve. */
  decide?: (sop: LoadedSop, record: RecordState | null, ctx: StepContext) => Promise<StepResult>;
};
