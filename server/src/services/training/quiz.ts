/**
 * The training quiz, generated from the SOP itself: what a gate needs, what an escalation
 * rung does, how long a stage may take, where an action leads, what a checklist holds.
 * Multiple choice; the distractors come from the same SOP. The same (assignment, attempt)
 * seed always gives the same questions in the same order, so answers are checked on the
 * server by generating the quiz again — the correct answers never leave it before a submit.
 */
import type {
  CompiledSop,
  Condition,
  EscalationRung,
  LocalizedText,
  Sla,
  StageInfo,
  TransitionInfo,
} from '@closeloop/engine';
import { parseDuration } from '@closeloop/engine';

export const QUIZ_LENGTH = 5;
/** Correct answers needed to pass, out of QUIZ_LENGTH. */
export const PASS_MARK = 4;

export type QuizOption = { id: string; text: LocalizedText };
export type QuizKind = 'gate' | 'escalation' | 'sla' | 'target' | 'checklist';
export type QuizQuestion = {
  id: string;
  kind: QuizKind;
  prompt: LocalizedText;
  options: QuizOption[];
};
export type Quiz = { questions: QuizQuestion[]; answers: Record<string, string> };

type Draft = {
  id: string;
  kind: QuizKind;
  prompt: LocalizedText;
  correct: LocalizedText;
  wrong: LocalizedText[];
};

// ---------------------------------------------------------------- deterministic randomness

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough to shuffle a quiz. */
export function seededRandom(seed: string): () => number {
  let a = hash(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: readonly T[], rnd: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

// ---------------------------------------------------------------- texts

function joinTexts(parts: readonly LocalizedText[]): LocalizedText {
  return {
    'zh-CN': parts.map((p) => p['zh-CN']).join('、'),
    en: parts.map((p) => p.en).join(', '),
  };
}

const sameText = (a: LocalizedText, b: LocalizedText) => a['zh-CN'] === b['zh-CN'] && a.en === b.en;

function titleOf(sop: CompiledSop, id: string): LocalizedText {
  return sop.stageById.get(id)?.meta?.title ?? { 'zh-CN': id, en: id };
}

/**
 * A duration in words, as the SLA counts it: `P1D` on the working clock is "1 个工作日 /
 * 1 working day", `PT48H` on the wall clock "48 小时 / 48 hours".
 */
export function durationText(iso: string, clock: Sla['clock'] = 'wall'): LocalizedText {
  const p = parseDuration(iso);
  if (!p) return { 'zh-CN': iso, en: iso };
  const working = clock === 'working';
  const zh: string[] = [];
  const en: string[] = [];
  const add = (n: number, zhUnit: string, enUnit: string) => {
    if (!n) return;
    zh.push(`${n} ${zhUnit}`);
    en.push(`${n} ${enUnit}${n === 1 ? '' : 's'}`);
  };
  add(p.weeks, working ? '个工作周' : '周', working ? 'working week' : 'week');
  add(p.days, working ? '个工作日' : '天', working ? 'working day' : 'day');
  add(p.hours, working ? '个工作小时' : '小时', working ? 'working hour' : 'hour');
  add(p.minutes, working ? '工作分钟' : '分钟', working ? 'working minute' : 'minute');
  add(p.seconds, '秒', 'second');
  if (!zh.length) return { 'zh-CN': '0', en: '0' };
  return { 'zh-CN': zh.join(' '), en: en.join(' ') };
}

function scaled(iso: string, factor: number): string | null {
  const p = parseDuration(iso);
  if (!p) return null;
  const parts = [p.weeks, p.days, p.hours, p.minutes, p.seconds].map((v) => v * factor);
  if (parts.some((v) => !Number.isInteger(v)) || parts.every((v) => v === 0)) return null;
  const [w, d, h, m, s] = parts;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${w ? `${w}W` : ''}${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

const RUNG_TEXT: Record<EscalationRung['kind'], LocalizedText> = {
  'remind-owner': { 'zh-CN': '提醒负责人（你）尽快处理', en: 'The owner (you) gets a reminder' },
  'notify-manager': { 'zh-CN': '通知团队主管', en: "The team's manager is alerted" },
  reassign: { 'zh-CN': '记录转给团队里的其他同事', en: 'The record is reassigned to a teammate' },
  move: {
    'zh-CN': '记录被自动移到另一个阶段',
    en: 'The record is moved to another stage automatically',
  },
};

const CHECKLIST_TEXT = {
  'zh-CN': '本阶段检查清单全部完成',
  en: "Every item of the stage's checklist ticked",
};

// ---------------------------------------------------------------- question drafts

/** Field facts a gate names, in order, when the gate is a plain `all` of leaves. */
function gateNeeds(sop: CompiledSop, gate: Condition): LocalizedText[] | null {
  if (!('all' in gate)) return null;
  const out: LocalizedText[] = [];
  const seen = new Set<string>();
  for (const c of gate.all) {
    if (!('fact' in c)) return null;
    if (seen.has(c.fact)) continue;
    seen.add(c.fact);
    if (c.fact === '$checklist') out.push(CHECKLIST_TEXT);
    else {
      const def = sop.fieldDefs.get(c.fact);
      if (!def) return null;
      out.push(def.label);
    }
  }
  return out.length ? out : null;
}

function actionLabel(t: TransitionInfo): LocalizedText {
  return t.meta?.label ?? { 'zh-CN': t.event, en: t.event };
}

function gateDrafts(sop: CompiledSop): Draft[] {
  const gates: Array<{ t: TransitionInfo; needs: LocalizedText[] }> = [];
  for (const t of sop.transitionByKey.values()) {
    const needs = t.meta?.gate ? gateNeeds(sop, t.meta.gate) : null;
    if (needs && t.targets[0]) gates.push({ t, needs });
  }
  const allLabels = [...sop.fieldDefs.values()].map((f) => f.label);
  return gates.map(({ t, needs }) => {
    const correct = joinTexts(needs);
    const wrong: LocalizedText[] = [];
    const push = (c: LocalizedText) => {
      if (!sameText(c, correct) && !wrong.some((w) => sameText(w, c))) wrong.push(c);
    };
    for (const other of gates) push(joinTexts(other.needs));
    // near misses: one field swapped for another, one dropped
    for (const label of allLabels) {
      if (needs.some((n) => sameText(n, label))) continue;
      push(joinTexts([...needs.slice(0, -1), label]));
      if (wrong.length > 12) break;
    }
    if (needs.length > 1) push(joinTexts(needs.slice(1)));
    const source = t.source ? titleOf(sop, t.source) : { 'zh-CN': '任意阶段', en: 'any stage' };
    const target = titleOf(sop, t.targets[0] ?? '');
    const a = actionLabel(t);
    return {
      id: `gate:${t.key}`,
      kind: 'gate' as const,
      prompt: {
        'zh-CN': `在「${source['zh-CN']}」阶段执行「${a['zh-CN']}」进入「${target['zh-CN']}」之前，必须先填写或完成什么？`,
        en: `In “${source.en}”, what must be filled in before the action “${a.en}” can move the record to “${target.en}”?`,
      },
      correct,
      wrong,
    };
  });
}

function rungText(sop: CompiledSop, stage: StageInfo, rung: EscalationRung): LocalizedText {
  if (rung.kind === 'move' && rung.action) {
    const t = [...sop.transitionByKey.values()].find(
      (x) =>
        x.event === rung.action && (x.source === stage.id || stage.id.startsWith(`${x.source}.`)),
    );
    const target = t?.targets[0] ? titleOf(sop, t.targets[0]) : null;
    if (target) {
      return {
        'zh-CN': `记录被自动移到「${target['zh-CN']}」`,
        en: `The record moves to “${target.en}” automatically`,
      };
    }
  }
  if (rung.kind === 'notify-manager' && rung.notify?.length) {
    return {
      'zh-CN': `通知团队主管及 ${rung.notify.join('、')}`,
      en: `The team's manager and ${rung.notify.join(', ')} are alerted`,
    };
  }
  return RUNG_TEXT[rung.kind];
}

function escalationDrafts(sop: CompiledSop): Draft[] {
  const out: Draft[] = [];
  for (const stage of sop.stages) {
    const sla = stage.meta?.sla;
    if (!sla) continue;
    const rungs = sla.escalations ?? [];
    rungs.forEach((rung, i) => {
      // two rungs at the same time would make the question ambiguous
      if (rungs.some((r, j) => j !== i && r.after === rung.after && r.kind !== rung.kind)) return;
      const correct = rungText(sop, stage, rung);
      const wrong = Object.values(RUNG_TEXT).filter(
        (w) => !sameText(w, correct) && !sameText(w, RUNG_TEXT[rung.kind]),
      );
      const title = stage.meta?.title ?? { 'zh-CN': stage.id, en: stage.id };
      const after = durationText(rung.after, sla.clock);
      const base = sla.dueField
        ? { 'zh-CN': '从截止时间起算', en: 'counted from its due time' }
        : null;
      out.push({
        id: `escalation:${stage.id}:${i}`,
        kind: 'escalation',
        prompt: {
          'zh-CN': `记录停留在「${title['zh-CN']}」达到 ${after['zh-CN']}${base ? `（${base['zh-CN']}）` : ''}时，会发生什么？谁会收到提醒？`,
          en: `When a record has been in “${title.en}” for ${after.en}${base ? ` (${base.en})` : ''}, what happens — who is alerted?`,
        },
        correct,
        wrong,
      });
    });
  }
  return out;
}

function slaDrafts(sop: CompiledSop): Draft[] {
  const slas = sop.stages.flatMap((s) => (s.meta?.sla ? [{ stage: s, sla: s.meta.sla }] : []));
  const all = slas.map(({ sla }) => durationText(sla.duration, sla.clock));
  return slas
    .filter(({ sla }) => !sla.dueField)
    .map(({ stage, sla }) => {
      const correct = durationText(sla.duration, sla.clock);
      const wrong: LocalizedText[] = [];
      const push = (c: LocalizedText) => {
        if (!sameText(c, correct) && !wrong.some((w) => sameText(w, c))) wrong.push(c);
      };
      push(durationText(sla.duration, sla.clock === 'working' ? 'wall' : 'working'));
      for (const f of [2, 0.5, 3]) {
        const iso = scaled(sla.duration, f);
        if (iso) push(durationText(iso, sla.clock));
      }
      for (const other of all) push(other);
      const title = stage.meta?.title ?? { 'zh-CN': stage.id, en: stage.id };
      return {
        id: `sla:${stage.id}`,
        kind: 'sla' as const,
        prompt: {
          'zh-CN': `「${title['zh-CN']}」阶段最长可以停留多久（时限）？`,
          en: `How long may a record stay in “${title.en}” (its time limit)?`,
        },
        correct,
        wrong,
      };
    });
}

function targetDrafts(sop: CompiledSop): Draft[] {
  const leaves = sop.stages.filter((s) => s.children.length === 0 && s.meta?.title);
  const out: Draft[] = [];
  for (const t of sop.transitionByKey.values()) {
    const target = t.targets[0];
    if (!t.source || t.targets.length !== 1 || !target || target === t.source) continue;
    const correct = titleOf(sop, target);
    const wrong: LocalizedText[] = [];
    for (const s of leaves) {
      const title = titleOf(sop, s.id);
      if (s.id === t.source || sameText(title, correct) || wrong.some((w) => sameText(w, title)))
        continue;
      wrong.push(title);
    }
    const source = titleOf(sop, t.source);
    const a = actionLabel(t);
    out.push({
      id: `target:${t.key}`,
      kind: 'target',
      prompt: {
        'zh-CN': `在「${source['zh-CN']}」阶段执行「${a['zh-CN']}」后，记录进入哪个阶段？`,
        en: `In “${source.en}”, where does “${a.en}” take the record?`,
      },
      correct,
      wrong,
    });
  }
  return out;
}

function checklistDrafts(sop: CompiledSop): Draft[] {
  const lists = sop.stages.filter((s) => s.meta?.checklist?.length);
  const out: Draft[] = [];
  for (const stage of lists) {
    const mine = stage.meta?.checklist ?? [];
    const others = lists
      .filter((s) => s.id !== stage.id)
      .flatMap((s) => s.meta?.checklist ?? [])
      .map((c) => c.label)
      .filter((l) => !mine.some((m) => sameText(m.label, l)));
    const first = mine[0];
    if (!first || others.length < 3) continue;
    const title = stage.meta?.title ?? { 'zh-CN': stage.id, en: stage.id };
    out.push({
      id: `checklist:${stage.id}`,
      kind: 'checklist',
      prompt: {
        'zh-CN': `以下哪一项属于「${title['zh-CN']}」阶段的检查清单？`,
        en: `Which of these is on the checklist of “${title.en}”?`,
      },
      correct: first.label,
      wrong: others,
    });
  }
  return out;
}

// ---------------------------------------------------------------- the quiz

/**
 * The quiz for one attempt. Tries to ask one question of each kind the SOP offers — gates,
 * escalations and time limits first, as the brief asks — then fills up at random.
 *
 * @example
 * const quiz = generateQuiz(compiled, `${assignmentId}:${attempt}`);
 * const score = gradeQuiz(quiz, answers).correct;
 */
export function generateQuiz(sop: CompiledSop, seed: string, length = QUIZ_LENGTH): Quiz {
  const rnd = seededRandom(seed);
  const usable = (d: Draft) => d.wrong.length >= 2;
  const pools: Draft[][] = [
    gateDrafts(sop),
    escalationDrafts(sop),
    slaDrafts(sop),
    targetDrafts(sop),
    checklistDrafts(sop),
  ].map((p) => shuffle(p.filter(usable), rnd));
  const picked: Draft[] = [];
  for (const pool of pools) {
    const d = pool.shift();
    if (d && picked.length < length) picked.push(d);
  }
  const rest = shuffle(pools.flat(), rnd);
  while (picked.length < length && rest.length) {
    const d = rest.shift();
    if (d) picked.push(d);
  }
  const questions: QuizQuestion[] = [];
  const answers: Record<string, string> = {};
  for (const d of shuffle(picked, rnd)) {
    const choices = shuffle([d.correct, ...shuffle(d.wrong, rnd).slice(0, 3)], rnd);
    const options = choices.map((c, i) => ({ id: String.fromCharCode(97 + i), text: c }));
    const right = options.find((o) => o.text === d.correct);
    if (!right) continue;
    answers[d.id] = right.id;
    questions.push({ id: d.id, kind: d.kind, prompt: d.prompt, options });
  }
  return { questions, answers };
}

export type QuizGrade = {
  correct: number;
  total: number;
  results: Array<{
    questionId: string;
    chosen: string | null;
    correctOptionId: string;
    correct: boolean;
  }>;
};

/** Grades answers (question id → option id) against the quiz. */
export function gradeQuiz(quiz: Quiz, answers: Record<string, string>): QuizGrade {
  const results = quiz.questions.map((q) => {
    const right = quiz.answers[q.id] ?? '';
    const chosen = answers[q.id] ?? null;
    return { questionId: q.id, chosen, correctOptionId: right, correct: chosen === right };
  });
  return { correct: results.filter((r) => r.correct).length, total: results.length, results };
}
