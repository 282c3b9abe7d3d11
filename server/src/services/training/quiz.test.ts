import { compile } from '@closeloop/engine';
import { getTemplate, templates } from '@closeloop/sop-library';
import { describe, expect, it } from 'vitest';
import { durationText, generateQuiz, gradeQuiz, seededRandom } from './quiz.ts';

describe.each(templates)('the quiz of $id', ({ id, doc }) => {
  const sop = compile(doc);

  it('asks five questions, each with one right answer among distinct options in both languages', () => {
    for (const attempt of [1, 2, 3]) {
      const quiz = generateQuiz(sop, `${id}:${attempt}`);
      expect(quiz.questions).toHaveLength(5);
      expect(new Set(quiz.questions.map((q) => q.id)).size).toBe(5);
      for (const q of quiz.questions) {
        expect(q.prompt['zh-CN']).toMatch(/\p{Script=Han}/u);
        expect(q.prompt.en.length).toBeGreaterThan(10);
        expect(q.options.length).toBeGreaterThanOrEqual(3);
        expect(new Set(q.options.map((o) => o.text.en)).size).toBe(q.options.length);
        expect(new Set(q.options.map((o) => o.text['zh-CN'])).size).toBe(q.options.length);
        expect(q.options.map((o) => o.id)).toContain(quiz.answers[q.id]);
      }
    }
  });

  it('is the same for the same seed and grades its own answers as right', () => {
    const a = generateQuiz(sop, `${id}:1`);
    expect(generateQuiz(sop, `${id}:1`)).toEqual(a);
    expect(gradeQuiz(a, a.answers).correct).toBe(5);
    expect(gradeQuiz(a, {}).correct).toBe(0);
  });
});

describe('quiz building blocks', () => {
  it('changes with the attempt', () => {
    const doc = getTemplate('closed-loop')?.doc;
    if (!doc) throw new Error('no template');
    const sop = compile(doc);
    const ids = new Set(
      [1, 2, 3, 4].map((n) => JSON.stringify(generateQuiz(sop, `x:${n}`).questions)),
    );
    expect(ids.size).toBeGreaterThan(1);
  });

  it('says durations the way the SLA counts them', () => {
    expect(durationText('PT48H')).toEqual({ 'zh-CN': '48 小时', en: '48 hours' });
    expect(durationText('P1D', 'working')).toEqual({ 'zh-CN': '1 个工作日', en: '1 working day' });
    expect(durationText('P1DT4H', 'working').en).toBe('1 working day 4 working hours');
    expect(durationText('PT15M').en).toBe('15 minutes');
  });

  it('draws the same numbers from the same seed', () => {
    const a = seededRandom('s');
    const b = seededRandom('s');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
