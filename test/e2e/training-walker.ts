/**
 * Walks practice paths through the API the way a diligent trainee would: take the path's
 * next action, read what the gate says is missing, fill exactly that, try again. Field values
 * are learned from the gate's failures and the SOP's conditions (sop-library/gate-filler.ts,
 * shared with the library's template tests), never written down per SOP.
 */
import {
  type CompiledSop,
  compile,
  type Fields,
  type GateFailure,
  parseSop,
  type RecordState,
  type SopDocument,
} from '@closeloop/engine';
import { fixFor } from '@closeloop/sop-library/gate-filler';

/** Any signed-in API call: method, path, JSON body → status and parsed body. */
export type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

export type PracticeState = {
  id: string;
  version: number;
  status: 'active' | 'finished' | 'abandoned';
  simNow: number;
  record: RecordState & { currentStages: string[] };
  walkedPath: string | null;
  actions: Array<{ action: string; actingAs?: string }>;
};
export type Outcome = {
  ok: boolean;
  rejection?: { code: string; failures: GateFailure[] };
  fired: Array<{ stage: string; kind: string }>;
  notices: unknown[];
  finished: boolean;
  walkedPath: string | null;
};
export type Progress = {
  pathsWalked: number;
  pathsTotal: number;
  percent: number;
  complete: boolean;
};
export type TrainingPath = {
  key: string;
  steps: Array<{ action: string }>;
  final: string;
  walked: boolean;
};

export type Walker = {
  doc: SopDocument;
  sop: CompiledSop;
  counter: { n: number };
};

/** The SOP's published document, from the library API. */
export async function walkerFor(api: Api, sopId: string): Promise<Walker> {
  const r = await api('GET', `/api/library/sops/${sopId}`);
  if (r.status !== 200) throw new Error(`library sop ${sopId}: ${r.status}`);
  const parsed = parseSop((r.body as { doc: unknown }).doc);
  if (!parsed.ok) throw new Error('the published SOP does not parse');
  return { doc: parsed.doc, sop: compile(parsed.doc), counter: { n: 0 } };
}

type CommandResponse = { practice: PracticeState; outcome: Outcome; progress: Progress };

export async function command(api: Api, p: PracticeState, cmd: unknown): Promise<CommandResponse> {
  const r = await api('POST', `/api/training/practice/${p.id}/commands`, {
    version: p.version,
    command: cmd,
  });
  if (r.status !== 200)
    throw new Error(`practice command failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as CommandResponse;
}

/** Performs `action`, filling what its gate asks for; returns the accepted response. */
export async function performFilling(
  api: Api,
  w: Walker,
  start: PracticeState,
  action: string,
): Promise<CommandResponse> {
  let p = start;
  let fields: Fields = {};
  let checklist: Record<string, string[]> = {};
  const tried: string[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    const res = await command(api, p, { type: 'perform', action, fields, checklist });
    if (res.outcome.ok) return res;
    const rej = res.outcome.rejection;
    tried.push(`${rej?.code}: ${rej?.failures.map((f) => f.message.en).join('; ')}`);
    if (rej?.code !== 'gate-failed') break;
    const fix = fixFor(w.sop, p.record, action, rej.failures, p.simNow, () => ++w.counter.n);
    fields = { ...fields, ...fix.fields };
    checklist = { ...checklist, ...fix.checklist };
    if (fix.advanceMs) p = (await command(api, p, { type: 'advance', ms: fix.advanceMs })).practice;
  }
  throw new Error(`cannot perform ${action}:\n  ${tried.join('\n  ')}`);
}

/** Starts a run and walks one path to its final stage; returns the last response. */
export async function walkPath(
  api: Api,
  w: Walker,
  assignmentId: string,
  path: TrainingPath,
): Promise<CommandResponse> {
  const started = await api('POST', `/api/training/assignments/${assignmentId}/practice`);
  if (started.status !== 201) throw new Error(`startPractice: ${started.status}`);
  let p = (started.body as { practice: PracticeState }).practice;
  let last: CommandResponse | null = null;
  for (const step of path.steps) {
    last = await performFilling(api, w, p, step.action);
    p = last.practice;
  }
  if (!last) throw new Error('a path without steps');
  return last;
}
