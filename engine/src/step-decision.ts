import { activeStages, type CompiledSop } from './compile.ts';
import type { FactInput } from './conditions.ts';
import type { EngineEventData, EngineEventType } from './events.ts';
import { evolve } from './evolve.ts';
import { recordFacts } from './facts.ts';
import type { LocalizedText } from './sop.ts';
import type {
  Effect,
  EngineEvent,
  Fields,
  GateFailure,
  RecordState,
  Rejection,
  StepContext,
  StepResult,
} from './types.ts';
export const reject = (
  code: Rejection['code'],
  message: LocalizedText,
  failures: GateFailure[] = [],
): StepResult => ({ ok: false, rejection: { code, message, failures } });

/** Accumulates events (applied immediately) and effects for one command. */
export class Decision {
  record: RecordState | null;
  readonly events: EngineEvent[] = [];
  readonly effects: Effect[] = [];
  readonly version: number;

  constructor(
    readonly sop: CompiledSop,
    record: RecordState | null,
    readonly ctx: StepContext,
  ) {
    this.record = record;
    this.version = (record?.version ?? 0) + 1;
  }

  get r(): RecordState {
    if (!this.record) throw new Error('no record');
    return this.record;
  }

  emit<T extends EngineEventType>(type: T, data: EngineEventData<T>): void {
    const e = {
      id: this.ctx.newId(),
      type,
      at: this.ctx.now,
      actorId: this.ctx.actor.id,
      version: this.version,
      data,
    } as EngineEvent;
    this.events.push(e);
    this.record = evolve(this.record, e);
  }

  notify(
    userIds: Array<string | null | undefined>,
    kind: Extract<Effect, { type: 'notify' }>['kind'],
    message: LocalizedText,
  ): void {
    const ids = [...new Set(userIds.filter((u): u is string => !!u))];
    if (ids.length) this.effects.push({ type: 'notify', userIds: ids, kind, message });
  }

  done(webhook?: string): StepResult {
    if (!this.record)
      return reject('invalid-command', { 'zh-CN': '命令无效', en: 'invalid command' });
    if (webhook && this.events.length) {
      this.effects.push({
        type: 'webhook',
        event: webhook,
        payload: {
          recordId: this.record.id,
          sopId: this.record.sopId,
          stages: activeStages(this.record.value),
          status: this.record.status,
          ownerId: this.record.ownerId,
          version: this.record.version,
        },
      });
    }
    return { ok: true, record: this.record, events: this.events, effects: this.effects };
  }
}

export function factsFor(
  d: Decision,
  fields: Fields,
  stage: string | null,
  checklist?: Record<string, string[]>,
): FactInput {
  return recordFacts(d.sop, d.r, stage, d.ctx, { fields, checklist });
}
