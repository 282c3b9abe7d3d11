/**
 * Library and training over the real HTTP app, on each database lane (in-memory PGlite, and
 * Postgres when DATABASE_URL is set), in a workspace of its own:
 * templates browsed and copied, training assigned, every path of the closed loop practised,
 * escalations met on the practice clock, the quiz passed — and not a trace of practice in the
 * live tables.
 */
import { compile, parseSop } from '@closeloop/engine';
import { createWorkspace } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateQuiz } from '../../server/src/services/training/quiz.ts';
import {
  type Api,
  command,
  type PracticeState,
  performFilling,
  type TrainingPath,
  walkerFor,
  walkPath,
} from '../e2e/training-walker.ts';
import { as, LANES, PASSWORD, type Server, startServer } from './harness.ts';

type User = Api & { userId: string };
type Assignment = {
  id: string;
  user: { id: string };
  dueAt: number | null;
  progress: {
    pathsWalked: number;
    pathsTotal: number;
    percent: number;
    complete: boolean;
    quizPassed: boolean;
  };
};

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`library and training on ${lane.name}`, () => {
    // unique per run, so a shared Postgres can hold several runs
    const tag = crypto.randomUUID().slice(0, 8);
    const MAIL = (who: string) => `${who}-${tag}@training-it.test`;
    let server: Server;
    let ws = '';
    let admin: User;
    let trainer: User;
    let rep: User;
    let other: User;
    let assignmentId = '';

    beforeAll(async () => {
      server = await startServer(lane);
      const created = await createWorkspace(server.db, {
        name: 'Training IT',
        users: [
          { email: MAIL('admin'), name: 'Admin', role: 'admin', password: PASSWORD },
          { email: MAIL('manager'), name: 'Manager', role: 'manager', password: PASSWORD },
          { email: MAIL('trainer'), name: 'Trainer', role: 'trainer', password: PASSWORD },
          { email: MAIL('rep'), name: 'New Rep', role: 'rep', password: PASSWORD },
          { email: MAIL('other'), name: 'Other Rep', role: 'rep', password: PASSWORD },
        ],
        teams: ['sales', 'marketing', 'service'].map((id) => ({
          id,
          name: id,
          managers: [MAIL('manager')],
          members: [MAIL('other')],
        })),
      });
      ws = created.id;
      const login = async (who: string) => {
        const c = await as(server.url, MAIL(who));
        const api: Api = (method, path, b) => c.req(method, path, b);
        return Object.assign(api, { userId: created.users[MAIL(who)]?.id ?? '' });
      };
      admin = await login('admin');
      trainer = await login('trainer');
      rep = await login('rep');
      other = await login('other');
    });

    afterAll(async () => {
      await server?.close();
    });

    describe('library', () => {
      it('lists the seven templates and searches them by text and tag', async () => {
        const all = await rep('GET', '/api/library');
        expect(all.status).toBe(200);
        const body = all.body as {
          templates: Array<{ id: string; pathCount: number }>;
          sops: unknown[];
          tags: string[];
        };
        expect(body.templates.map((t) => t.id)).toEqual([
          'closed-loop',
          'inbound-web-lead',
          'trade-show-leads',
          'b2b-manufacturing',
          'after-sales-handoff',
          'repeat-purchase',
          'departure-handover',
        ]);
        expect(body.templates[0]?.pathCount).toBe(21);
        expect(body.sops).toEqual([]);
        expect(body.tags).toContain('trade-show');

        const zh = (await rep('GET', `/api/library?q=${encodeURIComponent('展会')}`)).body as {
          templates: Array<{ id: string }>;
        };
        expect(zh.templates.map((t) => t.id)).toContain('trade-show-leads');
        const tagged = (await rep('GET', '/api/library?tag=handover')).body as {
          templates: Array<{ id: string }>;
        };
        expect(tagged.templates.map((t) => t.id)).toEqual(['departure-handover']);
        const none = (await rep('GET', '/api/library?q=zzzz-nothing')).body as {
          templates: unknown[];
        };
        expect(none.templates).toEqual([]);
      });

      it('previews a template with every stage and its guidance', async () => {
        const r = await rep('GET', '/api/library/templates/closed-loop');
        expect(r.status).toBe(200);
        const body = r.body as {
          doc: { id: string };
          stages: Array<{
            id: string;
            meta?: { title: { en: string }; script?: unknown; sla?: unknown };
          }>;
        };
        expect(body.doc.id).toBe('closed-loop');
        const first = body.stages.find((s) => s.id === 'followUp.firstContact');
        expect(first?.meta?.sla).toBeTruthy();
        expect((await rep('GET', '/api/library/templates/nope')).status).toBe(404);
      });

      it('makes a draft from a template, with a fresh id when the template id is taken', async () => {
        const denied = await rep('POST', '/api/library/templates/closed-loop/drafts', {});
        expect(denied.status).toBe(403);
        const first = await trainer('POST', '/api/library/templates/closed-loop/drafts', {});
        expect(first.status).toBe(201);
        expect(first.body).toEqual({ sopId: 'closed-loop', templateId: 'closed-loop' });
        const second = await trainer('POST', '/api/library/templates/closed-loop/drafts', {});
        expect((second.body as { sopId: string }).sopId).toBe('closed-loop-2');
        const draft = await trainer('GET', '/api/sops/closed-loop-2');
        expect(draft.status).toBe(200);
        expect((draft.body as { publishedVersion: number | null }).publishedVersion).toBeNull();
      });

      it("lists the workspace's published SOPs beside the templates", async () => {
        const manager = await as(server.url, MAIL('manager'));
        const pub = await manager.post('/api/sops/closed-loop/publish', { note: 'training' });
        expect(pub.status).toBe(200);
        const body = (await rep('GET', '/api/library')).body as {
          sops: Array<{ id: string; kind: string }>;
        };
        expect(body.sops).toEqual([expect.objectContaining({ id: 'closed-loop', kind: 'sop' })]);
        expect((await rep('GET', '/api/library/sops/closed-loop-2')).status).toBe(404);
      });
    });

    describe('training', () => {
      it('lets trainers assign published SOPs only', async () => {
        const byRep = await rep('POST', '/api/training/assignments', {
          sopId: 'closed-loop',
          userIds: [rep.userId],
        });
        expect(byRep.status).toBe(403);
        const draftOnly = await trainer('POST', '/api/training/assignments', {
          sopId: 'closed-loop-2',
          userIds: [rep.userId],
        });
        expect(draftOnly.status).toBe(409);
        expect((draftOnly.body as { code: string }).code).toBe('sop-not-published');
        const nobody = await trainer('POST', '/api/training/assignments', {
          sopId: 'closed-loop',
          userIds: ['no-such-user'],
        });
        expect(nobody.status).toBe(404);

        const due = Date.parse('2026-12-31T18:00:00+08:00');
        const r = await trainer('POST', '/api/training/assignments', {
          sopId: 'closed-loop',
          userIds: [rep.userId],
          dueAt: due,
        });
        expect(r.status).toBe(201);
        const [a] = (r.body as { items: Assignment[] }).items;
        if (!a) throw new Error('no assignment');
        assignmentId = a.id;
        expect(a.dueAt).toBe(due);
        expect(a.progress).toMatchObject({
          pathsWalked: 0,
          pathsTotal: 21,
          percent: 0,
          complete: false,
        });

        // assigning again keeps the same assignment and its progress
        const again = await trainer('POST', '/api/training/assignments', {
          sopId: 'closed-loop',
          userIds: [rep.userId],
          dueAt: due + 1000,
        });
        expect((again.body as { items: Assignment[] }).items[0]?.id).toBe(assignmentId);
      });

      it('shows a hire their own assignments and trainers everyone’s', async () => {
        const mine = (await rep('GET', '/api/training/assignments')).body as {
          items: Assignment[];
        };
        expect(mine.items.map((a) => a.id)).toEqual([assignmentId]);
        const theirs = (await other('GET', '/api/training/assignments')).body as {
          items: Assignment[];
        };
        expect(theirs.items).toEqual([]);
        expect((await other('GET', `/api/training/assignments/${assignmentId}`)).status).toBe(404);
        const all = (await trainer('GET', '/api/training/assignments')).body as {
          items: Assignment[];
        };
        expect(all.items.map((a) => a.user.id)).toEqual([rep.userId]);
      });

      it('reports a failed gate as an outcome and keeps the run unchanged', async () => {
        const started = await rep('POST', `/api/training/assignments/${assignmentId}/practice`);
        expect(started.status).toBe(201);
        const p = (started.body as { practice: PracticeState }).practice;
        expect(p.record.currentStages).toEqual(['capture']);
        expect(p.record.ownerId).toBe(rep.userId);
        const res = await command(rep, p, { type: 'perform', action: 'SUBMIT', fields: {} });
        expect(res.outcome.ok).toBe(false);
        expect(res.outcome.rejection?.code).toBe('gate-failed');
        expect(res.outcome.rejection?.failures.map((f) => f.message.en)).toContain(
          "Enter the contact's name",
        );
        expect(res.practice.version).toBe(p.version);

        // only the trainee acts on their run, and only on the version they saw
        const foreign = await other('POST', `/api/training/practice/${p.id}/commands`, {
          version: p.version,
          command: { type: 'advance', ms: 1000 },
        });
        expect(foreign.status).toBe(403);
        await command(rep, p, { type: 'advance', ms: 1000 });
        const stale = await rep('POST', `/api/training/practice/${p.id}/commands`, {
          version: p.version,
          command: { type: 'advance', ms: 1000 },
        });
        expect(stale.status).toBe(409);
      });

      it('meets the escalations on the practice clock, told to the trainee and never sent', async () => {
        const w = await walkerFor(rep, 'closed-loop');
        const started = await rep('POST', `/api/training/assignments/${assignmentId}/practice`);
        let p = (started.body as { practice: PracticeState }).practice;
        for (const action of ['SUBMIT', 'QUALIFY', 'CONFIRM'])
          p = (await performFilling(rep, w, p, action)).practice;
        expect(p.record.currentStages).toEqual(['followUp.firstContact']);
        const kinds: string[] = [];
        const notices: unknown[] = [];
        // timers due at the same moment fire together: 24h, 48h (deadline and manager), 72h
        for (let i = 0; i < 3; i++) {
          const res = await command(rep, p, { type: 'advance', toNextTimer: true });
          p = res.practice;
          kinds.push(...res.outcome.fired.map((f) => `${f.stage}:${f.kind}`));
          notices.push(...res.outcome.notices);
        }
        expect(kinds).toEqual([
          'followUp.firstContact:remind-owner',
          'followUp.firstContact:deadline',
          'followUp.firstContact:notify-manager',
          'followUp.firstContact:reassign',
        ]);
        expect(notices).toContainEqual(
          expect.objectContaining({ type: 'notify', kind: 'reminder', to: [{ kind: 'you' }] }),
        );
        expect(notices).toContainEqual(
          expect.objectContaining({
            type: 'notify',
            kind: 'escalation',
            to: [{ kind: 'manager', team: 'sales' }],
          }),
        );
        // nobody else is in a practice roster, so the reassign rung leaves the record with the trainee
        expect(p.record.ownerId).toBe(rep.userId);
        const entered = p.record.stages['followUp.firstContact']?.enteredAt ?? 0;
        expect(p.simNow - entered).toBe(72 * 3600_000);
      });

      it('credits every path of the closed loop walked in practice', async () => {
        const w = await walkerFor(rep, 'closed-loop');
        const detail = (await rep('GET', `/api/training/assignments/${assignmentId}`)).body as {
          paths: TrainingPath[];
        };
        expect(detail.paths).toHaveLength(21);
        let last = null;
        for (const path of detail.paths) {
          last = await walkPath(rep, w, assignmentId, path);
          expect(last.outcome.finished, path.key).toBe(true);
          expect(last.practice.walkedPath).toBe(path.key);
        }
        expect(last?.progress).toMatchObject({
          pathsWalked: 21,
          pathsTotal: 21,
          percent: 80,
          complete: false,
        });
        const after = (await rep('GET', `/api/training/assignments/${assignmentId}`)).body as {
          paths: TrainingPath[];
          practice: PracticeState;
        };
        expect(after.paths.every((p) => p.walked)).toBe(true);
        expect(after.practice.status).toBe('finished');
        const closed = await rep('POST', `/api/training/practice/${after.practice.id}/commands`, {
          version: after.practice.version,
          command: { type: 'advance', ms: 1 },
        });
        expect(closed.status).toBe(409);
      });

      it('grades the quiz on the server; a pass completes the training', async () => {
        expect(
          (await trainer('GET', `/api/training/assignments/${assignmentId}/quiz`)).status,
        ).toBe(403);
        const q1 = await rep('GET', `/api/training/assignments/${assignmentId}/quiz`);
        expect(q1.status).toBe(200);
        const quiz = q1.body as {
          attempt: number;
          passNeeded: number;
          questions: Array<{
            id: string;
            kind: string;
            prompt: { 'zh-CN': string; en: string };
            options: Array<{ id: string }>;
          }>;
        };
        expect(quiz.attempt).toBe(1);
        expect(quiz.passNeeded).toBe(4);
        expect(quiz.questions).toHaveLength(5);
        expect(new Set(quiz.questions.map((q) => q.kind))).toEqual(
          new Set(['gate', 'escalation', 'sla', 'target', 'checklist']),
        );
        for (const q of quiz.questions) {
          expect(q.prompt['zh-CN']).toMatch(/\p{Script=Han}/u);
          expect(q.prompt.en).not.toBe('');
          expect(q.options.length).toBeGreaterThanOrEqual(3);
        }
        // the same attempt always gets the same quiz
        expect((await rep('GET', `/api/training/assignments/${assignmentId}/quiz`)).body).toEqual(
          quiz,
        );

        const wrong = Object.fromEntries(quiz.questions.map((q) => [q.id, 'z']));
        const failed = await rep('POST', `/api/training/assignments/${assignmentId}/quiz`, {
          attempt: 1,
          answers: wrong,
        });
        expect(failed.body).toMatchObject({ correct: 0, total: 5, passed: false });
        const replay = await rep('POST', `/api/training/assignments/${assignmentId}/quiz`, {
          attempt: 1,
          answers: wrong,
        });
        expect(replay.status).toBe(409);

        const q2 = (await rep('GET', `/api/training/assignments/${assignmentId}/quiz`))
          .body as typeof quiz;
        expect(q2.attempt).toBe(2);
        const doc = parseSop(
          ((await rep('GET', '/api/library/sops/closed-loop')).body as { doc: unknown }).doc,
        );
        if (!doc.ok) throw new Error('doc');
        const expected = generateQuiz(compile(doc.doc), `${assignmentId}:2`);
        expect(expected.questions).toEqual(q2.questions);
        const passed = await rep('POST', `/api/training/assignments/${assignmentId}/quiz`, {
          attempt: 2,
          answers: expected.answers,
        });
        expect(passed.body).toMatchObject({
          correct: 5,
          passed: true,
          progress: { percent: 100, complete: true, quizPassed: true },
        });
        const seen = (await trainer('GET', '/api/training/assignments')).body as {
          items: Assignment[];
        };
        expect(seen.items[0]?.progress).toMatchObject({
          percent: 100,
          complete: true,
          pathsWalked: 21,
        });
      });

      it('leaves no trace of practice in live records, timers, outbox or notifications', async () => {
        for (const table of ['records', 'record_events', 'timers', 'outbox', 'notifications']) {
          const rows = await server.db.query(
            `select count(*)::int as n from ${table} where workspace_id = $1`,
            [ws],
          );
          expect(rows[0]?.n, table).toBe(0);
        }
        const sessions = await server.db.query(
          'select count(*)::int as n from practice_sessions where workspace_id = $1',
          [ws],
        );
        expect(Number(sessions[0]?.n)).toBeGreaterThan(20);
        const records = await admin('GET', '/api/records');
        expect((records.body as { items: unknown[] }).items).toEqual([]);
        const next = await rep('GET', '/api/next-actions');
        expect((next.body as { items: unknown[] }).items).toEqual([]);
        const notes = await (await as(server.url, MAIL('manager'))).get('/api/notifications');
        expect((notes.body as { items: unknown[] }).items).toEqual([]);
      });
    });
  });
}
