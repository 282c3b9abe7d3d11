/**
 * Lead import end to end over real HTTP: a GBK CSV from Chinese Excel is uploaded, its
 * mapping suggested, dry-run, run in the background with live progress, and its error
 * report downloaded; the same file is recognised; overlapping imports racing each other
 * create each lead once; a cancelled run keeps what it did; limits answer problem+json.
 */
import { encodeGbk, makeXlsx, TRADE_SHOW_HEADER, TRADE_SHOW_ROWS, toCsv } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyName } from './company-names.ts';
import {
  as,
  type Client,
  LANES,
  makeWorkspace,
  publish,
  type Server,
  startServer,
} from './harness.ts';
import { intakeSop, upload, waitForImport } from './intake-helpers.ts';

const HEADER = TRADE_SHOW_HEADER;
const ROWS = [
  ...TRADE_SHOW_ROWS,
  ['杭州云帆（重复）', '张伟', '13800138000', '', '展会', '2026/3/5'],
  ['广州日期错', '钱七', '13700137000', '', '展会', '下周三'],
];

/** n rows of distinct valid mobiles starting at `from`. */
const mobiles = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => [
    companyName(from + i),
    `联系人${from + i}`,
    `136${String(from + i).padStart(8, '0')}`,
  ]);

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`lead import on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let manager: Client;
    let admin: Client;
    let rep: Client;
    const sopId = `it-imp-${crypto.randomUUID().slice(0, 6)}`;
    const countRecords = async () =>
      Number(
        (
          await srv.db.query('select count(*)::int as n from records where workspace_id = $1', [
            ws.id,
          ])
        )[0]?.n,
      );

    beforeAll(async () => {
      srv = await startServer(lane);
      ws = await makeWorkspace(srv.db);
      [admin, manager, rep] = await Promise.all([
        as(srv.url, ws.email('admin')),
        as(srv.url, ws.email('manager')),
        as(srv.url, ws.email('rep1')),
      ]);
      await publish(admin, intakeSop(sopId));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('uploads a GBK CSV, suggests the mapping, dry-runs, runs with live progress, reports errors', async () => {
      const bytes = encodeGbk(toCsv([HEADER, ...ROWS]));
      const up = await upload(manager, bytes, '春季展会.csv', sopId);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      expect(up.body.import).toMatchObject({
        encoding: 'gb18030',
        kind: 'csv',
        status: 'uploaded',
        source: '春季展会',
      });
      expect(up.body.headers).toEqual(HEADER);
      expect(up.body.suggestedMapping).toEqual({
        '0': 'company',
        '1': 'contact',
        '2': 'phone',
        '3': 'email',
        '4': '$source',
        '5': 'visitDate',
      });
      expect(up.body.preview[0]).toMatchObject({
        rowNumber: 2,
        fields: {
          company: '杭州云帆科技有限公司',
          phone: '13800138000',
          email: 'zw@yunfan.cn',
          visitDate: '2026-03-05',
        },
        source: '展会',
      });
      expect(up.body.preview[1].fields).toMatchObject({
        company: '上海"星辰"贸易, 有限公司',
        contact: '李娜',
        phone: '13900139000',
      });
      expect(up.body.sameFileAs).toEqual([]);
      const id = up.body.import.id;

      const before = await countRecords();
      const dry = await manager.post(`/api/imports/${id}/run`, { dryRun: true });
      expect(dry.status, JSON.stringify(dry.body)).toBe(200);
      expect(dry.body.counts).toEqual({
        total: 6,
        create: 3,
        attach: 0,
        duplicateInFile: 1,
        duplicateInDb: 0,
        error: 2,
      });
      const byRow = Object.fromEntries(
        dry.body.rows.map((r: { rowNumber: number }) => [r.rowNumber, r]),
      );
      expect(byRow[6].outcome).toBe('error');
      expect(byRow[6].reasons[0]['zh-CN']).toContain('电话');
      expect(byRow[7]).toMatchObject({ outcome: 'duplicate-file' });
      expect(byRow[7].reasons[0].en).toBe('repeats row 2 of the file');
      expect(byRow[8].reasons[0]['zh-CN']).toContain('到访日期');
      expect(await countRecords()).toBe(before);

      // progress arrives over the same SSE stream the editor keeps open
      const events: Array<{ status: string; processed: number }> = [];
      const ctl = new AbortController();
      const stream = await fetch(`${srv.url}/api/stream`, {
        headers: { cookie: manager.cookie },
        signal: ctl.signal,
      });
      const reader = stream.body?.getReader();
      const reading = (async () => {
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const chunk = await reader?.read().catch(() => null);
          if (!chunk || chunk.done) return;
          buf += dec.decode(chunk.value);
          for (const m of buf.matchAll(/event: import\.progress\ndata: (.*)\n/g)) {
            if (m[1]) events.push(JSON.parse(m[1]));
          }
          buf = buf.slice(buf.lastIndexOf('\n\n') + 1);
          if (events.some((e) => e.status === 'done')) return;
        }
      })();
      await Bun.sleep(100);
      const run = await manager.post(`/api/imports/${id}/run`, {});
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.import.status).toBe('running');
      const done = await waitForImport(manager, id);
      expect(done).toMatchObject({
        status: 'done',
        total: 6,
        processed: 6,
        created: 3,
        duplicates: 1,
        failed: 2,
      });
      await Promise.race([reading, Bun.sleep(5000)]);
      ctl.abort();
      expect(events.at(-1)).toMatchObject({ status: 'done', processed: 6, created: 3 });
      expect(await countRecords()).toBe(before + 3);

      const leads = await srv.db.query(
        `select l.source, l.channel, l.raw, r.fields from intake_leads l join records r
           on r.workspace_id = l.workspace_id and r.id = l.record_id where l.workspace_id = $1 and l.import_id = $2 order by l.source`,
        [ws.id, id],
      );
      expect(leads.map((l) => l.source).sort()).toEqual(['官网', '展会', '展会']);
      expect(leads.every((l) => l.channel === 'import')).toBe(true);

      const report = await fetch(`${srv.url}/api/imports/${id}/errors?lang=zh-CN`, {
        headers: { cookie: manager.cookie },
      });
      expect(report.status).toBe(200);
      expect(report.headers.get('content-type')).toContain('text/csv');
      const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await report.arrayBuffer());
      expect(csv.startsWith('\ufeff客户名称,联系人,手机号,邮箱,来源,到访日期,错误原因\r\n')).toBe(
        true,
      );
      const lines = csv.trim().split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^深圳短号,赵六,1380013,,展会,46086,.*电话/);
      expect(lines[2]).toMatch(/^广州日期错,.*下周三,.*到访日期/);

      const again = await manager.post(`/api/imports/${id}/run`, {});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('import-done');

      // the same bytes again: recognised, and every valid row is now a database duplicate
      const second = await upload(manager, bytes, '春季展会.csv', sopId);
      expect(second.body.sameFileAs.map((s: { id: string }) => s.id)).toEqual([id]);
      const dry2 = await manager.post(`/api/imports/${second.body.import.id}/run`, {
        dryRun: true,
      });
      expect(dry2.body.counts).toMatchObject({
        create: 0,
        duplicateInDb: 3,
        duplicateInFile: 1,
        error: 2,
      });
    });

    it('reads an .xlsx sheet chosen by name, with number-typed phone cells and lost ID digits flagged', async () => {
      const bytes = await makeXlsx([
        { name: '说明', rows: [['展会线索导出']] },
        {
          name: '线索',
          rows: [
            ['公司名称', '姓名', '电话', '预算', '到访日期'],
            ['云帆表格', '张三', 13500135000, 5000, new Date(Date.UTC(2026, 2, 5))],
            ['身份证误填', '李四', Number('110101199001011234'), 0, '2026/3/6'],
          ],
        },
      ]);
      const up = await upload(manager, bytes, 'leads.xlsx', sopId, 'xlsx-test');
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      expect(up.body.sheet).toBe('线索');
      expect(up.body.import.sheets).toEqual([
        { name: '说明', rows: 1 },
        { name: '线索', rows: 3 },
      ]);
      expect(up.body.precisionLost).toBe(1);
      expect(up.body.suggestedMapping).toEqual({
        '0': 'company',
        '1': 'contact',
        '2': 'phone',
        '3': 'budget',
        '4': 'visitDate',
      });
      expect(up.body.preview[0].fields).toEqual({
        company: '云帆表格',
        contact: '张三',
        phone: '13500135000',
        budget: 5000,
        visitDate: '2026-03-05',
      });
      expect(up.body.preview[1].reasons.map((r: { en: string }) => r.en).join(' ')).toContain(
        'format the column as Text',
      );
      const other = await manager.post(`/api/imports/${up.body.import.id}/preview`, {
        sheet: '说明',
        headerRow: 0,
      });
      expect(other.status, JSON.stringify(other.body)).toBe(200);
      expect(other.body.headers).toEqual(['展会线索导出']);
    });

    it('creates each lead once when two overlapping imports run at the same time', async () => {
      const a = toCsv([['公司', '联系人', '手机'], ...mobiles(1000, 80)]);
      const b = toCsv([['公司', '联系人', '手机'], ...mobiles(1040, 80)]);
      const [ua, ub] = await Promise.all([
        upload(manager, new TextEncoder().encode(a), 'a.csv', sopId),
        upload(admin, new TextEncoder().encode(b), 'b.csv', sopId),
      ]);
      expect(ua.status).toBe(201);
      expect(ub.status).toBe(201);
      const [ra, rb] = await Promise.all([
        manager.post(`/api/imports/${ua.body.import.id}/run`, {}),
        admin.post(`/api/imports/${ub.body.import.id}/run`, {}),
      ]);
      expect(ra.status, JSON.stringify(ra.body)).toBe(200);
      expect(rb.status, JSON.stringify(rb.body)).toBe(200);
      const [da, db] = await Promise.all([
        waitForImport(manager, ua.body.import.id),
        waitForImport(admin, ub.body.import.id),
      ]);
      expect(da.created + db.created).toBe(120);
      expect(da.duplicates + db.duplicates).toBe(40);
      const phones = await srv.db.query(
        `select r.fields->>'phone' as phone, count(*)::int as n from records r
          where r.workspace_id = $1 and r.fields->>'phone' like '136%' group by 1 having count(*) > 1`,
        [ws.id],
      );
      expect(phones).toEqual([]);
    });

    it('creates each customer once when overlapping imports with in-file repeats race under the create policy', async () => {
      // under `create` every row makes a record; its customer is matched, so a phone seen
      // earlier in the file, in the same batch or in the other import attaches to one customer
      const a = toCsv([['公司', '联系人', '手机'], ...mobiles(7000, 60), ...mobiles(7000, 10)]);
      const b = toCsv([['公司', '联系人', '手机'], ...mobiles(7030, 60)]);
      const [ua, ub] = await Promise.all([
        upload(manager, new TextEncoder().encode(a), 'ca.csv', sopId, 'race-a'),
        upload(admin, new TextEncoder().encode(b), 'cb.csv', sopId, 'race-b'),
      ]);
      const ids = [ua.body.import.id, ub.body.import.id];
      const [ra, rb] = await Promise.all([
        manager.post(`/api/imports/${ids[0]}/run`, { duplicatePolicy: 'create' }),
        admin.post(`/api/imports/${ids[1]}/run`, { duplicatePolicy: 'create' }),
      ]);
      expect(ra.status, JSON.stringify(ra.body)).toBe(200);
      expect(rb.status, JSON.stringify(rb.body)).toBe(200);
      const [da, db] = await Promise.all([
        waitForImport(manager, ids[0], 200_000),
        waitForImport(admin, ids[1], 200_000),
      ]);
      expect([da.created, db.created]).toEqual([70, 60]);
      const byPhone = await srv.db.query(
        `select r.fields->>'phone' as phone, count(distinct r.customer_id)::int as customers,
                count(*)::int as records
           from intake_leads l join records r on r.workspace_id = l.workspace_id and r.id = l.record_id
          where l.workspace_id = $1 and l.import_id = any($2::text[]) group by 1`,
        [ws.id, ids],
      );
      expect(byPhone).toHaveLength(90);
      expect(byPhone.filter((p) => p.customers !== 1)).toEqual([]);
      expect(byPhone.reduce((n, p) => n + Number(p.records), 0)).toBe(130);
      const live = await srv.db.query(
        `select count(distinct ck.customer_id)::int as n from customer_keys ck
           join customers c on c.workspace_id = ck.workspace_id and c.id = ck.customer_id
          where ck.workspace_id = $1 and ck.kind = 'phone' and c.merged_into is null
            and ck.customer_id in (select r.customer_id from intake_leads l join records r
              on r.workspace_id = l.workspace_id and r.id = l.record_id
              where l.workspace_id = $1 and l.import_id = any($2::text[]))`,
        [ws.id, ids],
      );
      expect(live[0]?.n).toBe(90);
    }, 240_000);

    it('cancels a running import and keeps what it did', async () => {
      const csv = toCsv([['公司', '联系人', '手机'], ...mobiles(5000, 450)]);
      const up = await upload(manager, new TextEncoder().encode(csv), 'big.csv', sopId);
      const id = up.body.import.id;
      const before = await countRecords();
      expect((await manager.post(`/api/imports/${id}/run`, {})).status).toBe(200);
      const c = await manager.post(`/api/imports/${id}/cancel`, {});
      expect(c.status, JSON.stringify(c.body)).toBe(200);
      // the batch in flight (up to 200 rows) commits before the run stops
      const done = await waitForImport(manager, id, 200_000);
      expect(done.status).toBe('cancelled');
      expect(done.processed).toBeLessThan(450);
      expect(await countRecords()).toBe(before + done.created);
      // resuming finishes the rest without creating any row twice
      expect((await manager.post(`/api/imports/${id}/run`, {})).status).toBe(200);
      const resumed = await waitForImport(manager, id, 200_000);
      expect(resumed).toMatchObject({ status: 'done', processed: 450, created: 450 });
      expect(await countRecords()).toBe(before + 450);
      // 450 rows through the whole command path (customer match included) take longer than
      // the default minute on a loaded 2-core machine
    }, 480_000);

    it('refuses a file over the row limit with a bilingual problem, and keeps a rep to their own name', async () => {
      const big = new TextEncoder().encode(`手机\n${'13800138000\n'.repeat(100_001)}`);
      const r = await upload(manager, big, 'big.csv', sopId);
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('import-file-invalid');
      expect(r.body.errors[0].code).toBe('too-many-rows');
      expect(r.body.errors[0].message).toContain('100000');

      const mine = toCsv([
        ['公司', '手机', '负责人'],
        ['代表导入', '13311112222', 'Rep Two'],
      ]);
      // reps import only where an admin allows it (the workspace setting), into their own name
      expect((await upload(rep, new TextEncoder().encode(mine), 'mine.csv', sopId)).status).toBe(
        403,
      );
      expect((await admin.patch('/api/intake/settings', { repsMayImport: true })).status).toBe(200);
      const up = await upload(rep, new TextEncoder().encode(mine), 'mine.csv', sopId);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      const forbidden = await rep.post(`/api/imports/${up.body.import.id}/run`, {
        ownerId: ws.userId('rep2'),
      });
      expect(forbidden.status).toBe(403);
      expect((await rep.post(`/api/imports/${up.body.import.id}/run`, {})).status).toBe(200);
      await waitForImport(rep, up.body.import.id);
      const rows = await srv.db.query(
        `select owner_id from records where workspace_id = $1 and fields->>'phone' = '13311112222'`,
        [ws.id],
      );
      expect(rows).toEqual([{ owner_id: ws.userId('rep1') }]);
      const list = await rep.get('/api/imports');
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([up.body.import.id]);
    });
  });
}
