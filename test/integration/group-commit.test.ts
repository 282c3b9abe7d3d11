/**
 * Group commit (db/group-commit.ts; GROUP_COMMIT=on, Postgres): commands sent at once share
 * transactions, a savepoint each. Property: whatever the interleaving, the outcome is one a
 * one-by-one run gives — replaying the acknowledged commands one at a time, in the order of
 * the versions they made, on fresh records gives the same fields, versions and events; a
 * refused command (409) leaves nothing; a copy sent under the same Idempotency-Key answers
 * the first copy's result and writes once. PGlite (no grouping) must satisfy the same.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  type Json,
  LANES,
  openWorld,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

type Cmd = { rec: number; guess: number; budget: number; key: string | null };

const RECORDS = 3;
const cmd = fc.record({
  rec: fc.integer({ min: 0, max: RECORDS - 1 }),
  // the version it expects, counted from the record's first: often right, often stale
  guess: fc.integer({ min: 0, max: 3 }),
  budget: fc.integer({ min: 1, max: 1_000_000 }),
  key: fc.option(fc.constantFrom('k1', 'k2'), { freq: 3 }),
});

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`group commit on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let rep: Client;
    const sopId = `it-gc-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({
        srv,
        ws,
        rep1: rep,
      } = await openWorld(lane, {
        server: { groupCommit: true },
        people: ['manager', 'rep1'],
        publish: [testSop(sopId)],
      }));
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    });

    const create = async () => {
      const r = await rep.post('/api/records', {
        sopId,
        fields: {},
        ownerId: ws.userId('rep1'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return { id: String(r.body.record.id), version: Number(r.body.record.version) };
    };
    const edit = (rec: { id: string; version: number }, c: Cmd, run: string) =>
      rep.patch(
        `/api/records/${rec.id}/fields`,
        { fields: { budget: c.budget }, version: rec.version + c.guess },
        // a key is per run and record, so its copies are exactly the same request
        c.key ? { 'idempotency-key': `${run}-${c.rec}-${c.key}` } : {},
      );
    const stateOf = async (id: string) => {
      const rec = (await rep.get(`/api/records/${id}`)).body as Json;
      const events = (await rep.get(`/api/records/${id}/events`)).body as Json;
      return {
        version: rec.record.version,
        budget: rec.record.fields.budget ?? null,
        // the edits' data in full; the rest by type (their data name the record and its times)
        events: (events.items as Json[]).map((e) =>
          e.type === 'fields.changed' ? `${e.type}:${JSON.stringify(e.data)}` : e.type,
        ),
      };
    };

    it('commands sent at once end as some one-by-one order of the acknowledged ones', async () => {
      let runNo = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 4, maxLength: 24 }), async (cmds) => {
          const run = `r${runNo++}-${crypto.randomUUID().slice(0, 6)}`;
          // copies under one key must be the same request: the first copy's body wins
          const byKey = new Map<string, Cmd>();
          const sent = cmds.map((c) => {
            if (!c.key) return c;
            const k = `${c.rec}-${c.key}`;
            const first = byKey.get(k) ?? c;
            byKey.set(k, first);
            return first;
          });
          const recs = await Promise.all(Array.from({ length: RECORDS }, create));
          const answers = await Promise.all(
            sent.map(async (c) => {
              const rec = recs[c.rec];
              if (!rec) throw new Error(`no record ${c.rec}`);
              return { c, r: await edit(rec, c, run) };
            }),
          );
          for (const { r } of answers)
            expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
          // copies under one key answer alike
          for (const [k] of byKey) {
            const mine = answers.filter((a) => a.c.key && `${a.c.rec}-${a.c.key}` === k);
            const ok = mine.filter((a) => a.r.status === 200);
            if (ok.length > 1) expect(new Set(ok.map((a) => a.r.body.record.version)).size).toBe(1);
          }
          for (let i = 0; i < RECORDS; i++) {
            const rec = recs[i];
            if (!rec) continue;
            // the acknowledged writes, once each (copies share a version), in version order
            const made = new Map<number, Cmd>();
            for (const a of answers)
              if (a.c.rec === i && a.r.status === 200 && a.r.body.events.length)
                made.set(Number(a.r.body.record.version), a.c);
            const order = [...made.entries()].sort((a, b) => a[0] - b[0]);
            // no gaps, no version made twice: they follow one another from the first
            expect(order.map(([v]) => v)).toEqual(order.map((_, j) => rec.version + j + 1));
            const got = await stateOf(rec.id);
            // one by one, on a fresh record, each with the version it now expects
            const fresh = await create();
            for (const [v, c] of order) {
              const r = await edit(fresh, { ...c, guess: v - 1 - rec.version, key: null }, run);
              expect(r.status, JSON.stringify(r.body)).toBe(200);
            }
            const want = await stateOf(fresh.id);
            expect(got).toEqual(want);
          }
        }),
        { numRuns: 8 },
      );
    }, 300_000);

    it('copies of one request under one Idempotency-Key, sent at once, all answer the one write', async () => {
      const rec = await create();
      const body = { fields: { budget: 4242 }, version: rec.version };
      const key = `copies-${crypto.randomUUID()}`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          rep.patch(`/api/records/${rec.id}/fields`, body, { 'idempotency-key': key }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(new Set(answers.map((a) => a.body.record.version))).toEqual(
        new Set([rec.version + 1]),
      );
      const events = (await rep.get(`/api/records/${rec.id}/events`)).body as Json;
      const edits = (events.items as Json[]).filter((e) => e.type === 'fields.changed');
      expect(edits).toHaveLength(1);
    }, 120_000);
  });
}
