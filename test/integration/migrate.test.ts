/**
 * Publishing keeps running records on their version; migrateRecords moves chosen records to
 * a newer one with a stage map, after a dry run that changes nothing.
 */
import { replay } from '@closeloop/engine';
import { readEvents } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`SOP versions and migration on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let manager: Client;
    let rep: Client;
    const sopId = `mig-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({
        srv,
        ws,
        manager,
        rep1: rep,
      } = await openWorld(lane, { people: ['manager', 'rep1'], publish: [testSop(sopId)] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const make = async (fields: Record<string, unknown>, qualify: boolean) => {
      const r = await rep.post('/api/records', { sopId, fields, ownerId: ws.userId('rep1') });
      let rec = r.body.record;
      if (qualify) {
        const q = await rep.post(`/api/records/${rec.id}/actions`, {
          action: 'QUALIFY',
          version: rec.version,
        });
        expect(q.status, JSON.stringify(q.body)).toBe(200);
        rec = q.body.record;
      }
      return rec;
    };

    it('keeps records on their version, dry-runs, then moves them and records each move', async () => {
      const phone = '13800138000';
      const a = await make({ company: 'A' }, false);
      const b = await make({ company: 'B', phone, budget: 10 }, true);
      const d = await make({ phone, budget: 10 }, true);
      // v2: `qualified` becomes `hot`, and getting there now also needs a company
      const v2 = testSop(sopId);
      const states = v2.machine.states;
      const qualified = states.qualified;
      const fresh = states.new;
      if (!qualified || !fresh?.on) throw new Error('test SOP changed');
      states.hot = qualified;
      delete states.qualified;
      const q = fresh.on.QUALIFY;
      if (
        !q ||
        typeof q !== 'object' ||
        Array.isArray(q) ||
        !q.meta?.gate ||
        !('all' in q.meta.gate)
      ) {
        throw new Error('test SOP changed');
      }
      q.target = 'hot';
      q.meta.gate.all.push({
        fact: 'company',
        operator: 'isNotEmpty',
        value: true,
        message: { 'zh-CN': '请填写公司', en: 'Enter the company' },
      });
      expect(await publish(manager, v2)).toBe(2);
      // running records stay on version 1; new ones start on 2
      expect((await rep.get(`/api/records/${b.id}`)).body.sop.version).toBe(1);
      const fresh2 = await rep.post('/api/records', { sopId, fields: {} });
      expect(fresh2.body.record.sopVersion).toBe(2);

      const versionsBefore = await srv.db.query(
        'select id, version from records where workspace_id = $1 order by id',
        [ws.id],
      );
      const body = { fromVersion: 1, toVersion: 2, stageMap: { qualified: 'hot' } };
      const dry = await manager.post(`/api/sops/${sopId}/migrate`, { ...body, dryRun: true });
      expect(dry.status, JSON.stringify(dry.body)).toBe(200);
      expect(dry.body.dryRun).toBe(true);
      const moved = Object.fromEntries(
        dry.body.moved.map((m: { recordId: string; to: string[] }) => [m.recordId, m.to]),
      );
      expect(moved[a.id]).toEqual(['new']);
      expect(moved[b.id]).toEqual(['hot']);
      const failed = dry.body.failed.find((f: { recordId: string }) => f.recordId === d.id);
      expect(failed.code).toBe('gate-failed');
      expect(failed.failures[0].fields).toEqual(['company']);
      const versionsAfterDry = await srv.db.query(
        'select id, version from records where workspace_id = $1 order by id',
        [ws.id],
      );
      expect(versionsAfterDry).toEqual(versionsBefore);

      const real = await manager.post(`/api/sops/${sopId}/migrate`, {
        ...body,
        dryRun: false,
        recordIds: [a.id, b.id, d.id],
      });
      expect(real.status).toBe(200);
      expect(real.body.moved.map((m: { recordId: string }) => m.recordId).sort()).toEqual(
        [a.id, b.id].sort(),
      );
      expect(real.body.failed.map((f: { recordId: string }) => f.recordId)).toEqual([d.id]);
      const pageB = (await rep.get(`/api/records/${b.id}`)).body;
      expect(pageB.sop.version).toBe(2);
      expect(pageB.record.activeStages).toEqual(['hot']);
      const pageA = (await rep.get(`/api/records/${a.id}`)).body;
      expect(
        pageA.record.timers
          .map((t: { id: string }) => t.id)
          .every((id: string) => id.includes(`@${pageA.record.version}/`)),
      ).toBe(true);
      const pending = await srv.db.query(
        "select id from timers where workspace_id = $1 and record_id = $2 and status = 'pending' order by id",
        [ws.id, a.id],
      );
      expect(pending.map((r) => r.id)).toEqual(
        pageA.record.timers.map((t: { id: string }) => t.id).sort(),
      );
      for (const id of [a.id, b.id]) {
        const events = await readEvents(srv.db, ws.id, id);
        expect(events.map((e) => e.type)).toContain('record.migrated');
        const stored = await srv.db.query(
          'select state from records where workspace_id = $1 and id = $2',
          [ws.id, id],
        );
        expect(replay(events.map(({ seq: _s, ...e }) => e))).toEqual(stored[0]?.state);
      }
      expect((await rep.post(`/api/sops/${sopId}/migrate`, { ...body, dryRun: true })).status).toBe(
        403,
      );
    });
  });
}
