/**
 * The SOP document: the one contract between editor, engine, server and library.
 *
 * `machine` is plain XState v5 config; everything Closeloop adds lives in `meta`
 * (`meta.stage` on states, `meta.action` / `meta.gate` on transitions).
 */
import { z } from 'zod';

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

/** Text shown to people: every user-facing string exists in zh-CN and en. */
export const LocalizedText = z.object({ 'zh-CN': z.string().max(4000), en: z.string().max(4000) });
export type LocalizedText = z.infer<typeof LocalizedText>;

export const FieldType = z.enum([
  'text',
  'longText',
  'number',
  'money',
  'date',
  'datetime',
  'select',
  'multiSelect',
  'phone',
  'email',
  'user',
  'boolean',
  'url',
]);
export type FieldType = z.infer<typeof FieldType>;

const key = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must start with a letter and hold only letters, digits and _');

export const FieldOption = z.object({ value: z.string().min(1).max(200), label: LocalizedText });
export type FieldOption = z.infer<typeof FieldOption>;

export const FieldDef = z.object({
  key,
  type: FieldType,
  label: LocalizedText,
  options: z.array(FieldOption).max(200).optional(),
  /** Shown on the quick-capture form and used for duplicate detection. */
  capture: z.boolean().optional(),
});
export type FieldDef = z.infer<typeof FieldDef>;

/** ISO 8601 duration such as PT15M, PT4H, P2D, P1W, P1DT4H. */
export const IsoDuration = z
  .string()
  .max(40)
  .regex(
    /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/,
    'must be an ISO 8601 duration such as PT4H or P2D',
  );
export type IsoDuration = z.infer<typeof IsoDuration>;

// ---------------------------------------------------------------- conditions

/** One json-rules-engine condition, with a message per condition for a failed gate. */
export const LeafCondition = z.object({
  fact: z.string().min(1).max(100),
  operator: z.string().min(1).max(50),
  value: z.unknown(),
  path: z.string().max(200).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  message: LocalizedText.optional(),
});
export type LeafCondition = z.infer<typeof LeafCondition>;

export type Condition =
  | LeafCondition
  | { all: Condition[]; message?: LocalizedText }
  | { any: Condition[]; message?: LocalizedText }
  | { not: Condition; message?: LocalizedText };

/** Conditions nest at most this deep; deeper documents are rejected, not evaluated. */
export const MAX_CONDITION_DEPTH = 12;

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Condition).max(200), message: LocalizedText.optional() }).strict(),
    z.object({ any: z.array(Condition).max(200), message: LocalizedText.optional() }).strict(),
    z.object({ not: Condition, message: LocalizedText.optional() }).strict(),
    LeafCondition.strict(),
  ]),
);

/** A gate or a rule's top level: all or any. */
export const TopLevelCondition = z.union([
  z.object({ all: z.array(Condition).max(200), message: LocalizedText.optional() }).strict(),
  z.object({ any: z.array(Condition).max(200), message: LocalizedText.optional() }).strict(),
]);
export type TopLevelCondition = z.infer<typeof TopLevelCondition>;

// ---------------------------------------------------------------- stage meta

export const Role = z.enum(['admin', 'manager', 'trainer', 'rep']);
export type Role = z.infer<typeof Role>;

export const Strategy = z.enum(['named', 'round-robin', 'least-loaded', 'weighted']);
export type Strategy = z.infer<typeof Strategy>;

export const Assignment = z.object({
  team: z.string().min(1).max(64),
  strategy: Strategy,
  /** For `named`: the user id (or email) who gets the record. */
  user: z.string().max(200).optional(),
});
export type Assignment = z.infer<typeof Assignment>;

export const OwnerRule = z.object({
  /** json-rules-engine conditions over the record's facts. */
  conditions: TopLevelCondition,
  assign: Assignment,
  priority: z.number().int().min(1).max(100).optional(),
});
export type OwnerRule = z.infer<typeof OwnerRule>;

/** Who owns a record in a stage: the first rule (by priority, then order) that matches, else the default. */
export const OwnerPolicy = z.object({
  rules: z.array(OwnerRule).max(50).default([]),
  default: Assignment.optional(),
  /** Keep the current owner when they are in the chosen team (the usual case). */
  keepCurrent: z.boolean().optional(),
});
export type OwnerPolicy = z.infer<typeof OwnerPolicy>;

export const EscalationKind = z.enum(['remind-owner', 'notify-manager', 'reassign', 'move']);
export type EscalationKind = z.infer<typeof EscalationKind>;

export const EscalationRung = z.object({
  /** Time from stage entry (or from the due field) at which this rung fires. */
  after: IsoDuration,
  kind: EscalationKind,
  /** For `reassign`: where the record goes; defaults to the stage's owner policy. */
  assign: Assignment.optional(),
  /** For `move`: the action (event type) taken on the record, gates bypassed as a system move. */
  action: z.string().max(100).optional(),
  /** For `notify-manager`: extra people to alert (user ids or emails). */
  notify: z.array(z.string().max(200)).max(20).optional(),
});
export type EscalationRung = z.infer<typeof EscalationRung>;

export const Sla = z.object({
  /** The stage's limit, measured from entry (or from `dueField`). */
  duration: IsoDuration,
  /** `working`: against the workspace calendar (working hours, weekends, 调休); `wall`: clock time. */
  clock: z.enum(['wall', 'working']).default('wall'),
  /** A datetime field whose value is the deadline base; recomputed when the field changes. */
  dueField: z.string().max(64).optional(),
  escalations: z.array(EscalationRung).max(10).default([]),
});
export type Sla = z.infer<typeof Sla>;

export const ChecklistItem = z.object({
  id: key,
  label: LocalizedText,
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const StageMeta = z.object({
  title: LocalizedText,
  instructions: LocalizedText.optional(),
  script: LocalizedText.optional(),
  checklist: z.array(ChecklistItem).max(50).optional(),
  /** Field keys shown in this stage, in order. */
  fields: z.array(z.string().max(64)).max(100).optional(),
  owner: OwnerPolicy.optional(),
  sla: Sla.optional(),
  /** A final stage's outcome, for reports. */
  outcome: z.enum(['won', 'lost', 'done']).optional(),
});
export type StageMeta = z.infer<typeof StageMeta>;

const sopId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and -');

/** A fixed value in a handoff mapping (a plain string there names a source field instead). */
export const HandoffLiteral = z
  .object({
    value: z.union([
      z.string().max(4000),
      z.number(),
      z.boolean(),
      z.array(z.string().max(200)).max(200),
      z.null(),
    ]),
  })
  .strict();
export type HandoffLiteral = z.infer<typeof HandoffLiteral>;

/**
 * Who owns the record a handoff starts: `same` keeps the acting record's owner, `rule` (the
 * default) lets the target SOP's owner rules route it, `{ team, strategy }` gives it to a team.
 */
export const HandoffOwner = z.union([z.literal('same'), z.literal('rule'), Assignment]);
export type HandoffOwner = z.infer<typeof HandoffOwner>;

/**
 * An action that starts a record of another published SOP for the same customer, in the
 * action's transaction. `fields` maps each target field key to a source field key or a
 * `{ value }` literal.
 */
export const Handoff = z
  .object({
    sopId,
    fields: z
      .record(key, z.union([key, HandoffLiteral]))
      .refine((m) => Object.keys(m).length <= 300, 'at most 300 mapped fields')
      .optional(),
    owner: HandoffOwner.optional(),
  })
  .strict();
export type Handoff = z.infer<typeof Handoff>;

export const ActionMeta = z.object({
  label: LocalizedText.optional(),
  /** Roles allowed to take this action; all roles when absent. */
  roles: z.array(Role).max(4).optional(),
  gate: TopLevelCondition.optional(),
  /** Fields the action asks for (shown inline next to the button). */
  fields: z.array(z.string().max(64)).max(100).optional(),
  /** Starts a record of another SOP for the same customer when this action is taken. */
  handoff: Handoff.optional(),
});
export type ActionMeta = z.infer<typeof ActionMeta>;

// ---------------------------------------------------------------- machine

/**
 * The subset of XState v5 config an SOP uses, checked structurally.
 * Unknown XState keys pass through so Stately Studio exports import; `validate()`
 * then builds the machine with XState itself to catch the rest.
 */
export type TransitionConfig = {
  target?: string | string[];
  meta?: ActionMeta;
  description?: string;
  reenter?: boolean;
  [k: string]: unknown;
};

export type StateConfig = {
  type?: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: string;
  states?: Record<string, StateConfig>;
  on?: Record<string, TransitionConfig | TransitionConfig[] | string>;
  meta?: { stage?: StageMeta; [k: string]: unknown };
  description?: string;
  [k: string]: unknown;
};

export const TransitionConfig: z.ZodType<TransitionConfig> = z
  .object({
    target: z.union([z.string().max(500), z.array(z.string().max(500)).max(20)]).optional(),
    meta: ActionMeta.optional(),
    description: z.string().max(4000).optional(),
    reenter: z.boolean().optional(),
  })
  .catchall(z.unknown());

export const StateConfig: z.ZodType<StateConfig> = z.lazy(() =>
  z
    .object({
      type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']).optional(),
      initial: z.string().max(200).optional(),
      states: z.record(z.string().min(1).max(200), StateConfig).optional(),
      on: z
        .record(
          z.string().min(1).max(100),
          z.union([z.string().max(500), TransitionConfig, z.array(TransitionConfig).max(20)]),
        )
        .optional(),
      meta: z.object({ stage: StageMeta.optional() }).catchall(z.unknown()).optional(),
      description: z.string().max(4000).optional(),
    })
    .catchall(z.unknown()),
);

export const MachineConfig = z
  .object({
    id: z.string().min(1).max(200).optional(),
    initial: z.string().min(1).max(200),
    states: z.record(z.string().min(1).max(200), StateConfig),
    type: z.enum(['compound', 'parallel']).optional(),
  })
  .catchall(z.unknown());
export type MachineConfig = z.infer<typeof MachineConfig>;

export const SopDocument = z.object({
  id: sopId,
  version: z.number().int().min(0),
  name: LocalizedText,
  description: LocalizedText.optional(),
  fields: z.array(FieldDef).max(300),
  machine: MachineConfig,
  layout: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional(),
  tags: z.array(z.string().max(50)).max(20).optional(),
  /**
   * Roles that start records of this SOP by hand (quick capture); all roles when absent.
   * SOPs started by a handoff or by a manager (after-sales, a departing rep's handover)
   * name theirs so reps are not offered them.
   */
  startableBy: z.array(Role).max(4).optional(),
});
export type SopDocument = z.infer<typeof SopDocument>;

export type Problem = {
  /** JSON path into the document, e.g. `machine.states.lead.on.QUALIFY.meta.gate.all[0]`. */
  path: string;
  code: string;
  message: LocalizedText;
  /** The state or transition the problem belongs to, for the editor to select it. */
  stage?: string;
};

/** Largest document `parseSop` accepts, in characters of JSON. */
export const MAX_DOCUMENT_CHARS = 2_000_000;

export type ParseResult = { ok: true; doc: SopDocument } | { ok: false; problems: Problem[] };

function pathOf(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(document)';
}

function depthOf(value: unknown, limit: number): number {
  // iterative so a hostile document cannot overflow the stack
  const stack: Array<[unknown, number]> = [[value, 0]];
  let max = 0;
  while (stack.length) {
    const item = stack.pop();
    if (!item) break;
    const [v, d] = item;
    if (d > max) max = d;
    if (max > limit) return max;
    if (v && typeof v === 'object') {
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
  return max;
}

/** Nesting allowed in a whole document: machine depth plus condition depth plus slack. */
const MAX_JSON_DEPTH = 64;

/**
 * Parse an SOP document from JSON text or a value; reports every problem with its JSON path.
 *
 * @example
 * const r = parseSop(await Bun.file('sop.json').text());
 * if (!r.ok) for (const p of r.problems) console.error(p.path, p.message.en);
 */
export function parseSop(input: unknown): ParseResult {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_DOCUMENT_CHARS) {
      return fail('(document)', 'too-large', {
        'zh-CN': `文档过大：${input.length} 个字符，上限 ${MAX_DOCUMENT_CHARS}`,
        en: `document is too large: ${input.length} characters, the limit is ${MAX_DOCUMENT_CHARS}`,
      });
    }
    try {
      value = JSON.parse(input);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return fail('(document)', 'malformed-json', {
        'zh-CN': `不是合法的 JSON：${why}`,
        en: `not valid JSON: ${why}`,
      });
    }
  }
  if (depthOf(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return fail('(document)', 'too-deep', {
      'zh-CN': `嵌套超过 ${MAX_JSON_DEPTH} 层`,
      en: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  }
  const r = SopDocument.safeParse(value);
  if (r.success) return { ok: true, doc: r.data };
  const problems: Problem[] = flattenIssues(r.error.issues, []).map((issue) => ({
    path: pathOf(issue.path),
    code: `schema.${issue.code}`,
    message: { 'zh-CN': `格式错误：${issue.message}`, en: issue.message },
  }));
  return { ok: false, problems };
}

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][] };

/**
 * A union (such as a condition: leaf, all, any or not) reports one issue per branch; keep
 * the branch that came closest — fewest issues, deepest paths — so the message names the
 * real mistake instead of "invalid input".
 */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors?.length) {
      const branches = issue.errors.map((b) => flattenIssues(b, path));
      const score = (b: Issue[]) => b.length * 100 - Math.max(0, ...b.map((i) => i.path.length));
      const best = branches.reduce((a, b) => (score(b) <= score(a) ? b : a));
      out.push(...best);
    } else out.push({ ...issue, path });
  }
  return out;
}

function fail(path: string, code: string, message: LocalizedText): ParseResult {
  return { ok: false, problems: [{ path, code: `document.${code}`, message }] };
}
