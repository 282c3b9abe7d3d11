/**
 * The HTTP suite on records: create, act, edit, list, reassign, close, reopen, override, then
 * time, next actions, notifications and live updates, as real users on each database lane.
 */
import { replay } from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { useApiWorld } from './api-world.ts';
import { as, LANES, type Res } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API records on ${lane.name}`, () => {
    const w = useApiWorld(lane);

    describe('records', () => {
      it('creates a record, routes it round-robin and schedules its SLA timers', async () => {
        const a = await w.create(w.rep1, { company: 'ACME' });
        const b = await w.create(w.rep1, { company: 'Beta' });
        expect(a.record.activeStages).toEqual(['new']);
        expect(a.record.teamId).toBe('sales');
        const owners = new Set([a.record.ownerId, b.record.ownerId]);
        expect(owners).toEqual(new Set([w.ws.userId('rep1'), w.ws.userId('rep2')]));
        expect(a.record.timers.map((t: { kind: string }) => t.kind).sort()).toEqual([
          'deadline',
          'notify-manager',
          'remind-owner',
        ]);
        const rows = await w.srv.db.query(
          "select count(*)::int as n from timers where workspace_id = $1 and record_id = $2 and status = 'pending'",
          [w.ws.id, a.record.id],
        );
        expect(rows[0]?.n).toBe(3);
        expect(a.openActions.map((x: { action: string }) => x.action).sort()).toEqual([
          'LOSE',
          'QUALIFY',
        ]);
      });

      it('answers a failed gate with 422 listing each condition, its message and fields', async () => {
        const rec = (await w.create(w.rep1, {}, { ownerId: w.ws.userId('rep1') })).record;
        const r = await w.rep1.post(
          `/api/records/${rec.id}/actions`,
          { action: 'QUALIFY', version: rec.version },
          { 'accept-language': 'en' },
        );
        expect(r.status).toBe(422);
        expect(r.body.code).toBe('gate-failed');
        expect(r.body.errors.map((e: { message: string }) => e.message).sort()).toEqual([
          'Budget must be above 0',
          'Enter the phone number',
        ]);
        expect(r.body.errors.flatMap((e: { fields: string[] }) => e.fields).sort()).toEqual([
          'budget',
          'phone',
        ]);
        const after = await w.rep1.get(`/api/records/${rec.id}`);
        expect(after.body.record.version).toBe(rec.version);
        const ev = await w.rep1.get(`/api/records/${rec.id}/events`);
        expect(ev.body.items.every((e: { version: number }) => e.version <= rec.version)).toBe(
          true,
        );
      });

      it('moves a record through its stages and keeps the history replayable', async () => {
        let rec = (await w.create(w.rep1, { company: 'Gamma' }, { ownerId: w.ws.userId('rep1') }))
          .record;
        const q = await w.rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'QUALIFY',
          fields: { phone: '138 0013 8000', budget: 50000 },
          version: rec.version,
        });
        expect(q.status, JSON.stringify(q.body)).toBe(200);
        rec = q.body.record;
        expect(rec.activeStages).toEqual(['qualified']);
        expect(rec.timers).toEqual([]);
        const cancelled = await w.srv.db.query(
          "select count(*)::int as n from timers where workspace_id = $1 and record_id = $2 and status = 'cancelled'",
          [w.ws.id, rec.id],
        );
        expect(cancelled[0]?.n).toBe(3);
        const blocked = await w.rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(blocked.status).toBe(422);
        const tick = await w.rep1.patch(`/api/records/${rec.id}/fields`, {
          checklist: { qualified: ['called', 'quoted'] },
          version: rec.version,
        });
        expect(tick.status).toBe(200);
        rec = tick.body.record;
        const win = await w.rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(win.status).toBe(200);
        expect(win.body.record.status).toBe('won');
        const events = await w.rep1.get(`/api/records/${rec.id}/events`);
        const types = events.body.items.map((e: { type: string }) => e.type);
        expect(types[0]).toBe('record.created');
        expect(types).toContain('action.performed');
        expect(types).toContain('record.completed');
        const stored = (await w.rep1.get(`/api/records/${rec.id}`)).body.record;
        const { activeStages: _a, currentStages: _c, overdue: _o, ...state } = stored;
        expect(replay(events.body.items.map(({ seq: _s, ...e }: { seq: number }) => e))).toEqual(
          state,
        );
      });

      it('answers a stale version with 409 and the current record', async () => {
        const rec = (await w.create(w.rep1, {}, { ownerId: w.ws.userId('rep1') })).record;
        const first = await w.rep1.patch(`/api/records/${rec.id}/fields`, {
          fields: { company: 'First' },
          version: rec.version,
        });
        expect(first.status).toBe(200);
        const second = await w.rep1.patch(`/api/records/${rec.id}/fields`, {
          fields: { company: 'Second' },
          version: rec.version,
        });
        expect(second.status).toBe(409);
        expect(second.body.code).toBe('stale-version');
        expect(second.body.record.fields.company).toBe('First');
        expect(second.body.record.version).toBe(first.body.record.version);
      });

      it('replays the first answer for a repeated Idempotency-Key and refuses a reused one', async () => {
        const key = crypto.randomUUID();
        const body = { sopId: w.sopId, fields: { company: 'Idem' } };
        const a = await w.rep1.post('/api/records', body, { 'idempotency-key': key });
        const b = await w.rep1.post('/api/records', body, { 'idempotency-key': key });
        expect(a.status).toBe(201);
        expect(b.status).toBe(201);
        expect(b.body.record.id).toBe(a.body.record.id);
        const c = await w.rep1.post(
          '/api/records',
          { ...body, fields: { company: 'Other' } },
          { 'idempotency-key': key },
        );
        expect(c.status).toBe(422);
        expect(c.body.code).toBe('idempotency-key-reused');
      });

      it('lists with filters and cursor pagination, within what the caller may see', async () => {
        const mine = await Promise.all(
          [1, 2, 3, 4, 5].map((i) =>
            w.create(w.rep1, { company: `Page ${i} Zeta` }, { ownerId: w.ws.userId('rep1') }),
          ),
        );
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const path: string = `/api/records?q=zeta&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const page: Res = await w.rep1.get(path);
          expect(page.status).toBe(200);
          expect(page.body.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.body.items.map((r: { id: string }) => r.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(new Set(seen)).toEqual(new Set(mine.map((m) => m.record.id)));
        const byOwner = await w.manager.get(
          `/api/records?ownerId=${w.ws.userId('rep1')}&stage=new&sopId=${w.sopId}`,
        );
        expect(byOwner.body.items.length).toBeGreaterThanOrEqual(5);
        expect(
          byOwner.body.items.every((r: { ownerId: string }) => r.ownerId === w.ws.userId('rep1')),
        ).toBe(true);
        const team = await w.admin.get('/api/records?teamId=sales&limit=200');
        expect(team.body.items.every((r: { teamId: string }) => r.teamId === 'sales')).toBe(true);
        // rep3 is in marketing: sales records are not theirs to see
        const other = await w.rep3.get('/api/records?q=zeta');
        expect(other.body.items).toEqual([]);
        const forbidden = await w.rep3.get(`/api/records/${mine[0]?.record.id}`);
        expect(forbidden.status).toBe(403);
        const nope = await w.rep3.post(`/api/records/${mine[0]?.record.id}/actions`, {
          action: 'LOSE',
          version: 1,
        });
        expect(nope.status).toBe(403);
        expect((await w.trainer.get('/api/records')).status).toBe(403);
      });

      it('reassigns (manager only), closes with a reason and reopens', async () => {
        let rec = (await w.create(w.rep1, {}, { ownerId: w.ws.userId('rep1') })).record;
        const repTry = await w.rep1.post(`/api/records/${rec.id}/reassign`, {
          toUserId: w.ws.userId('rep2'),
          version: rec.version,
        });
        expect(repTry.status).toBe(403);
        const re = await w.manager.post(`/api/records/${rec.id}/reassign`, {
          toUserId: w.ws.userId('rep2'),
          version: rec.version,
          reason: 'holiday',
        });
        expect(re.status, JSON.stringify(re.body)).toBe(200);
        rec = re.body.record;
        expect(rec.ownerId).toBe(w.ws.userId('rep2'));
        const otherTeam = await w.manager.post(`/api/records/${rec.id}/reassign`, {
          toUserId: w.ws.userId('rep3'),
          version: rec.version,
        });
        expect(otherTeam.status).toBe(403);
        const notAMember = await w.admin.post(`/api/records/${rec.id}/reassign`, {
          toUserId: w.ws.userId('trainer'),
          version: rec.version,
        });
        expect(notAMember.status).toBe(422);
        expect(notAMember.body.code).toBe('no-assignee');
        const noReason = await w.rep2.post(`/api/records/${rec.id}/close`, {
          reason: '  ',
          version: rec.version,
        });
        expect(noReason.status).toBe(422);
        const closed = await w.rep2.post(`/api/records/${rec.id}/close`, {
          reason: 'no budget',
          version: rec.version,
        });
        expect(closed.status).toBe(200);
        rec = closed.body.record;
        expect(rec.status).toBe('lost');
        expect(rec.timers).toEqual([]);
        expect(
          (await w.rep2.post(`/api/records/${rec.id}/reopen`, { version: rec.version })).status,
        ).toBe(403);
        const reopened = await w.manager.post(`/api/records/${rec.id}/reopen`, {
          version: rec.version,
          reason: 'came back',
        });
        expect(reopened.status).toBe(200);
        expect(reopened.body.record.status).toBe('open');
        expect(reopened.body.record.timers.length).toBe(3);
      });

      it('lets only an admin override a gate, with a reason, recorded as such', async () => {
        const rec = (await w.create(w.rep1, {}, { ownerId: w.ws.userId('rep1') })).record;
        const rep = await w.rep1.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(rep.status).toBe(403);
        const mgr = await w.manager.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(mgr.status).toBe(403);
        const noReason = await w.admin.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          version: rec.version,
        });
        expect(noReason.status).toBe(422);
        const ok = await w.admin.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(ok.status, JSON.stringify(ok.body)).toBe(200);
        expect(ok.body.record.activeStages).toEqual(['qualified']);
        const types = ok.body.events.map((e: { type: string }) => e.type);
        expect(types).toContain('gate.overridden');
      });

      it('answers unknown actions, actions not open here and unknown records clearly', async () => {
        const rec = (await w.create(w.rep1, {}, { ownerId: w.ws.userId('rep1') })).record;
        const unknown = await w.rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'FLY',
          version: rec.version,
        });
        expect(unknown.status).toBe(422);
        expect(unknown.body.code).toBe('unknown-action');
        const notOpen = await w.rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(notOpen.status).toBe(409);
        expect(notOpen.body.code).toBe('action-not-open');
        const missing = await w.rep1.get('/api/records/does-not-exist');
        expect(missing.status).toBe(404);
      });
    });

    describe('time, next actions, notifications, live updates', () => {
      it('fires SLA timers exactly once as time passes, alerting owner and manager', async () => {
        const owner = w.ws.userId('rep2');
        const rec = (await w.create(w.manager, { company: 'Timer Co' }, { ownerId: owner })).record;
        const stream = await openStream(w.srv.url, w.rep2.cookie);
        const half = await w.rep2.post('/api/test-clock', { advanceMs: 31 * 60_000 });
        expect(half.status).toBe(200);
        expect(half.body.fired).toBeGreaterThanOrEqual(1);
        const notes = await w.rep2.get('/api/notifications');
        const reminder = notes.body.items.find(
          (n: { recordId: string; kind: string }) => n.recordId === rec.id && n.kind === 'reminder',
        );
        expect(reminder).toBeTruthy();
        // named in the list itself, so the inbox needs no request per notification
        expect(reminder.record).toEqual({ title: 'Timer Co', subtitle: '' });
        const full = await w.rep2.post('/api/test-clock', { advanceMs: 30 * 60_000 });
        expect(full.status).toBe(200);
        const page = (await w.rep2.get(`/api/records/${rec.id}`)).body;
        expect(page.record.timers).toEqual([]);
        const types = (await w.rep2.get(`/api/records/${rec.id}/events`)).body.items.map(
          (e: { type: string }) => e.type,
        );
        expect(types.filter((t: string) => t === 'timer.fired')).toHaveLength(3);
        expect(types).toContain('sla.breached');
        const mgrNotes = await w.manager.get('/api/notifications?unread=true');
        const alert = mgrNotes.body.items.find(
          (n: { recordId: string; kind: string }) =>
            n.recordId === rec.id && n.kind === 'escalation',
        );
        expect(alert).toBeTruthy();
        const read = await w.manager.post(`/api/notifications/${alert.id}/read`);
        expect(read.status).toBe(200);
        const again = await w.manager.get('/api/notifications?unread=true');
        expect(again.body.items.some((n: { id: string }) => n.id === alert.id)).toBe(false);
        // a second advance fires nothing new
        const none = await w.rep2.post('/api/test-clock', { advanceMs: 60_000 });
        expect(none.body.fired).toBe(0);
        const got = await stream.until((evs) => evs.some((e) => e.event === 'notification'));
        expect(got.some((e) => e.event === 'record.changed')).toBe(true);
        stream.close();
      });

      it("lists the caller's next actions by urgency with what each still needs", async () => {
        const c = await as(w.srv.url, w.ws.email('rep1'));
        const rec = (await w.create(c, { company: 'Next Co' }, { ownerId: w.ws.userId('rep1') }))
          .record;
        const r = await c.get(`/api/next-actions?sopId=${w.sopId}&q=next`);
        expect(r.status).toBe(200);
        const item = r.body.items.find((i: { record: { id: string } }) => i.record.id === rec.id);
        expect(item).toBeTruthy();
        expect(item.stages[0].title.en).toBe('New lead');
        const qualify = item.actions.find((a: { action: string }) => a.action === 'QUALIFY');
        expect(qualify.passed).toBe(false);
        expect(qualify.fields.sort()).toEqual(['budget', 'phone']);
        const t = await w.trainer.get('/api/next-actions');
        expect(t.body.items).toEqual([]);
      });

      it('lists users and teams for pickers', async () => {
        const u = await w.rep1.get('/api/users');
        expect(u.body.items.map((x: { email: string }) => x.email)).toContain(w.ws.email('rep2'));
        const t = await w.rep1.get('/api/teams');
        const sales = t.body.items.find((x: { id: string }) => x.id === 'sales');
        expect(sales.managerIds).toEqual([w.ws.userId('manager')]);
        expect(sales.memberIds.sort()).toEqual([w.ws.userId('rep1'), w.ws.userId('rep2')].sort());
      });
    });
  });
}

type SseEvent = { event: string; data: unknown };

/** Opens /api/stream and collects events. */
async function openStream(base: string, cookie: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/stream`, { headers: { cookie }, signal: ctrl.signal });
  if (!res.body) throw new Error('no stream');
  const events: SseEvent[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (ev) events.push({ event: ev, data: data ? JSON.parse(data) : null });
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  while (!events.some((e) => e.event === 'ready')) await Bun.sleep(10);
  return {
    events,
    async until(pred: (evs: SseEvent[]) => boolean, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!pred(events)) {
        if (Date.now() > end) throw new Error(`stream: no match in ${JSON.stringify(events)}`);
        await Bun.sleep(20);
      }
      return events;
    },
    close() {
      ctrl.abort();
      void pump;
    },
  };
}
