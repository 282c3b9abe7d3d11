/**
 * Document limits and path counting through the API: a large-but-allowed SOP is counted
 * without listing its paths, one past the limits is refused when saved for publishing.
 */
// Regression: the library listed every path to count them (18 stages × 2 actions: ~1 GB per
// visit) and a 5,000-stage SOP published, then stalled every rep's library visit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartSopJson } from '../../engine/src/testing/charts.ts';
import {
  as,
  type Client,
  type Json,
  LANES,
  openWorld,
  publish,
  type Server,
  type Workspace,
} from './harness.ts';

const owned = (doc: Json) => {
  for (const s of Object.values<Json>(doc.machine.states)) {
    if (s.type !== 'final') {
      s.meta.stage.owner = { rules: [], default: { team: 'sales', strategy: 'round-robin' } };
    }
  }
  return doc;
};

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`SOP limits and path counts on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let manager: Client;
    let rep: Client;

    beforeAll(async () => {
      ({ srv, ws, manager, rep1: rep } = await openWorld(lane, { people: ['manager', 'rep1'] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('shows 2^18 paths for an 18-stage SOP with two actions per stage, and trains on a bounded list', async () => {
      const doc = owned(chartSopJson(18, (i) => [i + 1, i + 1], 'eighteen'));
      const version = await publish(manager, doc);
      const lib = await rep.get('/api/library');
      expect(lib.status).toBe(200);
      const item = lib.body.sops.find((s: Json) => s.id === 'eighteen');
      expect(item).toMatchObject({ version, pathCount: 2 ** 18, pathCountExact: true });
      // a second visit answers from the per-version cache: the same figures
      expect((await rep.get('/api/library')).body.sops).toEqual(lib.body.sops);

      const trainer = await as(srv.url, ws.email('trainer'));
      const assigned = await trainer.post('/api/training/assignments', {
        sopId: 'eighteen',
        userIds: [ws.userId('rep1')],
      });
      expect(assigned.status).toBe(201);
      const a = await rep.get(`/api/training/assignments/${assigned.body.items[0].id}`);
      expect(a.status).toBe(200);
      expect(a.body.assignment.progress.pathsTotal).toBe(100);
    });

    it('refuses to publish a 5,000-stage SOP, naming the limit, in both languages', async () => {
      const doc = owned(chartSopJson(5000, (i) => [i + 1, i + 2], 'huge'));
      const created = await manager.post('/api/sops', { doc });
      expect(created.status).toBe(201);
      for (const lang of ['en', 'zh-CN']) {
        const p = await manager.post(
          '/api/sops/huge/publish',
          { note: 'x' },
          {
            'accept-language': lang,
          },
        );
        expect(p.status).toBe(422);
        expect(p.body.code).toBe('sop-invalid');
        const limit = p.body.errors.find((e: Json) => e.code === 'limit.stages');
        expect(limit.message).toBe(
          lang === 'en' ? 'stages: 5001, the limit is 300' : '阶段数为 5001，上限为 300',
        );
      }
      const lib = await rep.get('/api/library');
      expect(lib.body.sops.map((s: Json) => s.id)).not.toContain('huge');
    });
  });
}
