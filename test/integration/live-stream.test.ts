/**
 * Who hears what on /api/stream: record.changed goes to everyone who may see the record
 * before or after the change (admin: all; manager: their teams' and their own; rep: their
 * own and their shared teams'; trainer: none), next-action to the owner before and after
 * (mine: whether it is theirs now), notification to the person it was made for. Every
 * signed-in role holds a stream while records are
 * created and reassigned; each stream's events are compared whole, so an event too many
 * fails as surely as one missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  LANES,
  openWorld,
  type Person,
  type Server,
  testSop,
  until,
  type World,
} from './harness.ts';

type Event = { event: string; data: Record<string, unknown> };

/** Opens /api/stream and collects its events (after `ready`). */
async function listen(base: string, cookie: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/stream`, { headers: { cookie }, signal: ctrl.signal });
  const reader = res.body?.getReader();
  if (res.status !== 200 || !reader) throw new Error(`stream ${res.status}`);
  const events: Event[] = [];
  let ready = false;
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (event === 'ready') ready = true;
          else if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await until('stream ready', async () => ready, 10_000, 10);
  return { events, close: () => ctrl.abort() };
}

const sopId = 'it-live';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`live-update streams on ${lane.name}`, () => {
    let srv: Server;
    let world: World;

    beforeAll(async () => {
      world = await openWorld(lane, { publish: [testSop(sopId)] });
      srv = world.srv;
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('sends each change to exactly those who may see the record, next actions to its owners', async () => {
      const { ws, admin, manager } = world;
      // sales shares its records among its reps; marketing does not
      const shared = await admin.patch('/api/teams/sales', { shared: true });
      expect(shared.status, JSON.stringify(shared.body)).toBe(200);
      const people: Person[] = ['admin', 'manager', 'trainer', 'rep1', 'rep2', 'rep3'];
      // signed in after the change, so every session knows the team is shared
      const clients: Record<string, Client> = {};
      for (const who of people) clients[who] = await world.login(who);
      const streams = Object.fromEntries(
        await Promise.all(
          people.map(async (who) => [who, await listen(srv.url, clients[who]?.cookie ?? '')]),
        ),
      ) as Record<Person, Awaited<ReturnType<typeof listen>>>;
      try {
        const create = async (c: Client, ownerId: string, teamId: string) => {
          const r = await c.post('/api/records', {
            sopId,
            fields: { company: `Live ${teamId}` },
            ownerId,
            teamId,
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          return r.body.record as { id: string; version: number };
        };
        const a = await create(manager, ws.userId('rep1'), 'sales');
        const b = await create(admin, ws.userId('rep3'), 'marketing');
        const moved = await manager.post(`/api/records/${a.id}/reassign`, {
          toUserId: ws.userId('rep2'),
          version: a.version,
        });
        expect(moved.status, JSON.stringify(moved.body)).toBe(200);
        const a2 = moved.body.record as { version: number };

        const changed = (r: { id: string }, version: number, owner: Person, team: string) => ({
          event: 'record.changed',
          data: { recordId: r.id, version, ownerId: ws.userId(owner), teamId: team },
        });
        const next = (r: { id: string }, version: number, mine: boolean) => ({
          event: 'next-action',
          data: { recordId: r.id, version, mine },
        });
        const aNew = changed(a, a.version, 'rep1', 'sales');
        const aMoved = changed(a, a2.version, 'rep2', 'sales');
        const bNew = changed(b, b.version, 'rep3', 'marketing');
        const expected: Record<Person, Event[]> = {
          admin: [aNew, bNew, aMoved],
          manager: [aNew, aMoved],
          trainer: [],
          // rep1 owned it, then sees it in the shared team
          rep1: [aNew, next(a, a.version, true), aMoved, next(a, a2.version, false)],
          // rep2 sees it in the shared team, then owns it
          rep2: [aNew, aMoved, next(a, a2.version, true)],
          rep3: [bNew, next(b, b.version, true)],
        };
        // notifications (assigned, reassigned) go to the people they were made for
        const notified: Record<string, string[]> = {};
        for (const who of people) {
          const list = await (clients[who] as Client).get('/api/notifications?limit=200');
          notified[who] = (list.body.items as Array<{ id: string; recordId: string }>)
            .filter((n) => n.recordId === a.id || n.recordId === b.id)
            .map((n) => n.id)
            .sort();
        }
        expect(notified.rep1?.length).toBeGreaterThan(0);
        expect(notified.trainer).toEqual([]);
        const ours = (evs: Event[]) =>
          evs.filter((e) => e.data.recordId === a.id || e.data.recordId === b.id);
        const count = (who: Person) => expected[who].length + (notified[who]?.length ?? 0);
        await until(
          'every expected event',
          async () => people.every((w) => ours(streams[w].events).length >= count(w)),
          10_000,
          20,
        );
        // and nothing more arrives
        await Bun.sleep(300);
        for (const who of people) {
          const got = ours(streams[who].events);
          expect(
            got.filter((e) => e.event !== 'notification'),
            who,
          ).toEqual(expected[who]);
          expect(
            got
              .filter((e) => e.event === 'notification')
              .map((e) => String(e.data.id))
              .sort(),
            who,
          ).toEqual(notified[who]);
        }
      } finally {
        for (const s of Object.values(streams)) s.close();
      }
    });
  });
}
