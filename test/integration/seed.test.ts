/**
 * The demo seed looks like a real company's data: every customer named, company and person
 * names, valid-format and unique phones, notes a rep would write, no placeholder anywhere,
 * and each field filled only once its record has reached the stage that collects it.
 *
 * The seed only runs on a database without workspaces, so this runs on in-memory PGlite
 * (the Postgres lane's database is shared with the other test files).
 */

import { compile, type SopDocument } from '@closeloop/engine';
import { seedDemo } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../server/src/seed.ts';
import { creationKeys } from '../../server/src/seed-paths.ts';
import { LANES, type Server, startServer } from './harness.ts';

const PLACEHOLDER =
  /联系人姓名 ?\d|公司名称 ?\d|客户公司 ?\d|demo note|example\.com|未命名|演示内容|demo seed|Rep \d|\(Admin\)|\(Manager\)/i;
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-\d{7,8}$/;

let server: Server;
let docs: SopDocument[];
const lane = LANES.find((l) => l.name === 'pglite');

const q = (text: string, params: unknown[] = []) => server.db.query(text, params);

beforeAll(async () => {
  if (!lane) throw new Error('no PGlite lane');
  server = await startServer(lane);
  const logins = await seedDemo(server.app.deps);
  expect(logins?.length).toBe(5);
  docs = await loadTemplates();
}, 600_000); // the whole demo seed on a shared machine

afterAll(async () => {
  await server?.close();
});

describe('demo seed', () => {
  it('writes no placeholder into any name, field, note or history', async () => {
    const texts = [
      ...(await q(`select 'workspace ' || name as t from workspaces where id = 'demo'`)),
      ...(await q(`select 'user ' || name as t from users where workspace_id = 'demo'`)),
      ...(await q(`select 'team ' || name as t from teams where workspace_id = 'demo'`)),
      ...(await q(
        `select concat_ws(' | ', name, region, industry, source) as t from customers where workspace_id = 'demo'`,
      )),
      ...(await q(
        `select concat_ws(' | ', name, phone, email) as t from contacts where workspace_id = 'demo'`,
      )),
      ...(await q(`select fields::text as t from records where workspace_id = 'demo'`)),
      ...(await q(`select data::text as t from record_events where workspace_id = 'demo'`)),
    ].map((r) => String(r.t));
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.filter((t) => PLACEHOLDER.test(t))).toEqual([]);
    // nor a field's own label followed by a number ("报价单号 3")
    const labels = docs.flatMap((d) => d.fields.map((f) => f.label['zh-CN']));
    const labelled = new RegExp(
      `"(${labels.map((l) => l.replace(/[()（）]/g, '.')).join('|')}) ?\\d+"`,
    );
    expect(texts.filter((t) => labelled.test(t))).toEqual([]);
  });

  it('names every customer and gives each a phone of its own', async () => {
    const customers = await q(
      `select id, name, kind, pool_state from customers where workspace_id = 'demo' and merged_into is null`,
    );
    expect(customers.length).toBeGreaterThan(30);
    expect(customers.filter((c) => !String(c.name).trim())).toEqual([]);
    expect(customers.filter((c) => c.pool_state === 'pool').length).toBeGreaterThan(3);
    const contacts = await q(
      `select phone, email from contacts where workspace_id = 'demo' and phone is not null`,
    );
    expect(contacts.length).toBeGreaterThan(30);
    for (const c of contacts) {
      expect(MOBILE.test(String(c.phone)) || LANDLINE.test(String(c.phone)), String(c.phone)).toBe(
        true,
      );
    }
    // a phone or e-mail key belongs to one customer only (the look-alikes share a name only)
    const shared = await q(
      `select kind, value, count(distinct customer_id)::int as n from customer_keys
        where workspace_id = 'demo' and kind in ('phone', 'email')
        group by kind, value having count(distinct customer_id) > 1`,
    );
    expect(shared).toEqual([]);
    const flagged = await q(
      `select name from customers where workspace_id = 'demo' and flagged and merged_into is null`,
    );
    expect(flagged.length).toBeGreaterThan(0);
  });

  it('fills a field only on records that reached the stage that collects it', async () => {
    const records = await q(
      `select r.id, r.sop_id, r.fields, array_agg(v.stage) as visited
         from records r join stage_visits v on v.workspace_id = r.workspace_id and v.record_id = r.id
        where r.workspace_id = 'demo' group by r.id, r.sop_id, r.fields`,
    );
    expect(records.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    let checked = 0;
    for (const r of records) {
      const doc = docs.find((d) => d.id === r.sop_id);
      if (!doc) continue;
      const sop = compile(doc);
      const initial = sop.stages.filter((s) => s.depth === 1 && s.id === doc.machine.initial);
      const first = initial.flatMap((s) => [s.id, ...descendInitial(sop, s.id)]);
      const allowed = new Set(creationKeys(sop, first));
      for (const stage of r.visited as string[]) {
        for (const s of [stage, ...ancestors(stage)]) {
          for (const f of sop.stageById.get(s)?.meta?.fields ?? []) allowed.add(f);
          for (const t of sop.transitionsBySource.get(s) ?? []) {
            for (const f of t.meta?.fields ?? []) allowed.add(f);
            for (const f of factsOf(t.meta?.gate)) allowed.add(f);
          }
        }
      }
      for (const [key, value] of Object.entries(r.fields as Record<string, unknown>)) {
        if (value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
        checked++;
        if (!allowed.has(key)) wrong.push(`${r.sop_id} ${key} on a record in ${r.visited}`);
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  });

  it('never gives an A-grade lead a disqualify reason, nor a contract number before the contract', async () => {
    const rows = await q(`select sop_id, stages, fields from records where workspace_id = 'demo'`);
    const bad = rows.filter((r) => {
      const f = r.fields as Record<string, unknown>;
      const gradeA = f.intentLevel === 'A' || f.leadGrade === 'A';
      return gradeA && typeof f.disqualifyReason === 'string';
    });
    expect(bad).toEqual([]);
    const contracts = rows.filter((r) => r.sop_id === 'closed-loop');
    expect(contracts.length).toBeGreaterThan(5);
    for (const r of contracts) {
      const f = r.fields as Record<string, unknown>;
      const early = (r.stages as string[]).some((s) =>
        ['capture', 'screening', 'nurture', 'opportunity', 'followUp', 'disqualified'].includes(s),
      );
      if (early) expect(f.contractNo, JSON.stringify(r.stages)).toBeUndefined();
    }
  });
});

function ancestors(stage: string): string[] {
  const parts = stage.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

function descendInitial(sop: ReturnType<typeof compile>, id: string): string[] {
  const out: string[] = [];
  let at = sop.stageById.get(id);
  while (at?.children.length) {
    const child = sop.stages.find((s) => s.parentId === at?.id && s.children !== undefined);
    if (!child) break;
    out.push(child.id);
    at = child;
  }
  return out;
}

function factsOf(gate: unknown, out: string[] = []): string[] {
  if (!gate || typeof gate !== 'object') return out;
  const g = gate as { all?: unknown[]; any?: unknown[]; not?: unknown; fact?: unknown };
  for (const c of [...(g.all ?? []), ...(g.any ?? []), ...(g.not ? [g.not] : [])]) factsOf(c, out);
  if (typeof g.fact === 'string') out.push(g.fact);
  return out;
}
