/**
 * Stated limits of an SOP document, checked by `validate` before anything else, so that no
 * published document can make the engine, the server or the editor do unbounded work. Each
 * problem names the limit in both languages. The largest library template uses about a
 * tenth of each; docs/security.md lists them.
 */
import { MAX_DOCUMENT_CHARS, type Problem, type SopDocument, type StateConfig } from './sop.ts';

export const SOP_LIMITS = {
  /** Characters of the document as JSON. */
  documentChars: MAX_DOCUMENT_CHARS,
  /** States at every level, compound and parallel ones included. */
  stages: 300,
  /** Levels of stages inside stages. */
  nestingDepth: 6,
  /** Actions (transitions) in the whole document. */
  actions: 1_000,
  /** Actions leaving one stage. */
  actionsPerStage: 30,
  /** Leaf conditions in all gates, owner rules and escalation conditions together. */
  conditions: 2_000,
} as const;

type Counts = { stages: number; depth: number; actions: number; widest: [string, number] };

function countStates(machine: StateConfig): Counts {
  const c: Counts = { stages: 0, depth: 0, actions: 0, widest: ['', 0] };
  const stack: Array<[StateConfig, string, number]> = [[machine, '', 0]];
  while (stack.length) {
    const [cfg, id, depth] = stack.pop() ?? [machine, '', 0];
    let here = 0;
    for (const t of Object.values(cfg.on ?? {})) here += Array.isArray(t) ? t.length : 1;
    c.actions += here;
    if (here > c.widest[1]) c.widest = [id || '(root)', here];
    for (const [k, child] of Object.entries(cfg.states ?? {})) {
      c.stages++;
      if (depth + 1 > c.depth) c.depth = depth + 1;
      stack.push([child, id ? `${id}.${k}` : k, depth + 1]);
    }
  }
  return c;
}

function countConditions(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      if ('fact' in v && 'operator' in v) n++;
      else stack.push(...Object.values(v));
    }
  }
  return n;
}

/**
 * The limits `doc` exceeds, one problem each, naming the limit.
 *
 * @example
 * checkLimits(doc); // [{ code: 'limit.stages', message: { en: 'the SOP has 5000 stages; the limit is 300', … } }]
 */
export function checkLimits(doc: SopDocument): Problem[] {
  const out: Problem[] = [];
  const over = (code: string, path: string, zh: string, en: string) =>
    out.push({ path, code: `limit.${code}`, message: { 'zh-CN': zh, en } });
  const chars = JSON.stringify(doc).length;
  if (chars > SOP_LIMITS.documentChars) {
    over(
      'document-chars',
      '(document)',
      `文档有 ${chars} 个字符，上限为 ${SOP_LIMITS.documentChars}`,
      `the document has ${chars} characters; the limit is ${SOP_LIMITS.documentChars}`,
    );
  }
  const c = countStates(doc.machine as StateConfig);
  if (c.stages > SOP_LIMITS.stages) {
    over(
      'stages',
      'machine.states',
      `SOP 有 ${c.stages} 个阶段，上限为 ${SOP_LIMITS.stages}`,
      `the SOP has ${c.stages} stages; the limit is ${SOP_LIMITS.stages}`,
    );
  }
  if (c.depth > SOP_LIMITS.nestingDepth) {
    over(
      'nesting-depth',
      'machine.states',
      `阶段嵌套了 ${c.depth} 层，上限为 ${SOP_LIMITS.nestingDepth} 层`,
      `stages are nested ${c.depth} levels deep; the limit is ${SOP_LIMITS.nestingDepth}`,
    );
  }
  if (c.actions > SOP_LIMITS.actions) {
    over(
      'actions',
      'machine',
      `SOP 有 ${c.actions} 个操作，上限为 ${SOP_LIMITS.actions}`,
      `the SOP has ${c.actions} actions; the limit is ${SOP_LIMITS.actions}`,
    );
  }
  const [stage, width] = c.widest;
  if (width > SOP_LIMITS.actionsPerStage) {
    over(
      'actions-per-stage',
      stage === '(root)' ? 'machine.on' : `machine.states.${stage.split('.').join('.states.')}.on`,
      `阶段「${stage}」有 ${width} 个操作，每个阶段上限为 ${SOP_LIMITS.actionsPerStage}`,
      `stage "${stage}" has ${width} actions; the limit per stage is ${SOP_LIMITS.actionsPerStage}`,
    );
  }
  const conditions = countConditions(doc.machine);
  if (conditions > SOP_LIMITS.conditions) {
    over(
      'conditions',
      'machine',
      `SOP 有 ${conditions} 个条件，上限为 ${SOP_LIMITS.conditions}`,
      `the SOP has ${conditions} conditions; the limit is ${SOP_LIMITS.conditions}`,
    );
  }
  return out;
}
