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
 * checkLimits(doc); // [{ code: 'limit.stages', message: { en: 'stages: 5001, the limit is 300', … } }]
 */
export function checkLimits(doc: SopDocument): Problem[] {
  const c = countStates(doc.machine as StateConfig);
  const [stage, width] = c.widest;
  const at = stage === '(root)' ? 'machine' : `machine.states.${stage.split('.').join('.states.')}`;
  // [code, path, found, limit, what in zh-CN, what in en]
  const checks: Array<[string, string, number, number, string, string]> = [
    [
      'document-chars',
      '(document)',
      JSON.stringify(doc).length,
      SOP_LIMITS.documentChars,
      '文档的字符数',
      'characters in the document',
    ],
    ['stages', 'machine.states', c.stages, SOP_LIMITS.stages, '阶段数', 'stages'],
    [
      'nesting-depth',
      'machine.states',
      c.depth,
      SOP_LIMITS.nestingDepth,
      '阶段嵌套层数',
      'levels of nested stages',
    ],
    ['actions', 'machine', c.actions, SOP_LIMITS.actions, '操作数', 'actions'],
    [
      'actions-per-stage',
      `${at}.on`,
      width,
      SOP_LIMITS.actionsPerStage,
      `阶段「${stage}」的操作数`,
      `actions of stage "${stage}"`,
    ],
    [
      'conditions',
      'machine',
      countConditions(doc.machine),
      SOP_LIMITS.conditions,
      '条件数',
      'conditions',
    ],
  ];
  return checks
    .filter(([, , found, limit]) => found > limit)
    .map(([code, path, found, limit, zh, en]) => ({
      path,
      code: `limit.${code}`,
      message: {
        'zh-CN': `${zh}为 ${found}，上限为 ${limit}`,
        en: `${en}: ${found}, the limit is ${limit}`,
      },
    }));
}
