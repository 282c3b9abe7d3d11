/**
 * The demo workspace, seeded when the database holds no workspace: a user of each role,
 * teams, every library SOP published, records in every stage and some overdue.
 *
 * Paths to each stage are found by running the pure engine in memory (breadth-first over
 * open actions); the records are then made through the same service verbs the API uses,
 * so their histories, timers and notifications are real.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type CompiledSop,
  checkSop,
  chinaCalendar,
  compile,
  type FieldDef,
  type Fields,
  openActions,
  parseDuration,
  parseSop,
  type RecordState,
  type Roster,
  type SopDocument,
  step,
} from '@closeloop/engine';
import { demoCustomerValue, seedPoolCustomers } from './seed-customers.ts';
import { loadUserInfo } from './services/auth/sessions.ts';
import { leafStageIds } from './services/commands/record-store.ts';
import type { Ctx, Deps } from './services/core/context.ts';
import { DomainError } from './services/core/errors.ts';
import { createWorkspace } from './services/people/create-workspace.ts';
import { createRecord } from './services/records/create-record.ts';
import { overrideGate } from './services/records/override-gate.ts';
import { performAction } from './services/records/perform-action.ts';
import { createSop } from './services/sops/create-sop.ts';
import { publishSop } from './services/sops/publish-sop.ts';
import { teamsOf } from './services/sops/sop-cache.ts';

export const DEMO_PASSWORD = 'demo1234';
export const DEMO_USERS = [
  { email: 'admin@demo.test', name: '王管理 (Admin)', role: 'admin' },
  { email: 'manager@demo.test', name: '李主管 (Manager)', role: 'manager' },
  { email: 'trainer@demo.test', name: '赵培训 (Trainer)', role: 'trainer' },
  { email: 'rep1@demo.test', name: '张销售 (Rep 1)', role: 'rep' },
  { email: 'rep2@demo.test', name: '陈销售 (Rep 2)', role: 'rep' },
] as const;

const TEAM_NAMES: Record<string, string> = {
  sales: '销售部 Sales',
  marketing: '市场部 Marketing',
  service: '客服部 Service',
};

/** Library templates: the package when it loads, else the JSON files that parse. */
export async function loadTemplates(): Promise<SopDocument[]> {
  try {
    const lib = await import('@closeloop/sop-library');
    return lib.templates.map((t: { doc: SopDocument }) => t.doc);
  } catch (e) {
    console.warn('sop-library did not load; reading its templates directly:', String(e));
  }
  const dir = fileURLToPath(new URL('../../sop-library/templates/', import.meta.url));
  const out: SopDocument[] = [];
  for (const f of (await readdir(dir).catch(() => [])).sort()) {
    if (!f.endsWith('.json')) continue;
    const r = parseSop(await Bun.file(dir + f).text());
    if (r.ok) out.push(r.doc);
  }
  return out;
}

function sampleValue(f: FieldDef, now: number, userId: string, i: number): Fields[string] {
  const day = 24 * 3600 * 1000;
  switch (f.type) {
    case 'text':
      return `${f.label['zh-CN']} ${i + 1}`;
    case 'longText':
      return `${f.label['zh-CN']}：演示内容 demo note ${i + 1}`;
    case 'number':
      return 10 + i;
    case 'money':
      return 200000 + i * 1000;
    case 'date':
      return new Date(now + 7 * day).toISOString().slice(0, 10);
    case 'datetime':
      return new Date(now + day).toISOString();
    case 'select':
      return f.options?.[0]?.value ?? null;
    case 'multiSelect':
      return f.options?.[0] ? [f.options[0].value] : [];
    case 'phone':
      return `1380013${String(8000 + i).padStart(4, '0')}`;
    case 'email':
      return `customer${i + 1}@example.com`;
    case 'user':
      return userId;
    case 'boolean':
      return true;
    case 'url':
      return 'https://example.com/demo';
  }
}

type PathStep = {
  action: string;
  fields: Fields;
  checklist: Record<string, string[]>;
  override: boolean;
  /** How long the record may stay where it is before this step (its shortest SLA there). */
  slaMs: number | null;
};

/** For each leaf stage, a shortest list of actions that reaches it from the start. */
async function pathsToStages(
  doc: SopDocument,
  fields: Fields,
  roster: Roster,
  now: number,
): Promise<Map<string, PathStep[]>> {
  const sop = compile(doc);
  let n = 0;
  const ctx = {
    now,
    actor: { id: 'seed', role: 'admin' as const },
    newId: () => `seed-${n++}`,
    roster,
    calendar: chinaCalendar,
  };
  const first = await step(sop, null, { type: 'create', recordId: 'probe', fields }, ctx);
  if (!first.ok) return new Map();
  const found = new Map<string, PathStep[]>();
  const seen = new Set<string>();
  const queue: Array<{ rec: RecordState; path: PathStep[] }> = [{ rec: first.record, path: [] }];
  while (queue.length && seen.size < 300) {
    const item = queue.shift();
    if (!item) break;
    const key = JSON.stringify(item.rec.value);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const leaf of leafStageIds(item.rec.value))
      if (!found.has(leaf)) found.set(leaf, item.path);
    if (item.rec.status !== 'open') continue;
    for (const a of await openActions(sop, item.rec, ctx)) {
      if (!a.allowed) continue;
      const checklist: Record<string, string[]> = {};
      for (const stage of Object.keys(item.rec.stages)) {
        const items = sop.stageById.get(stage)?.meta?.checklist?.map((c) => c.id);
        if (items?.length) checklist[stage] = items;
      }
      const tryStep = async (override: boolean) =>
        step(
          sop,
          item.rec,
          override
            ? { type: 'override', action: a.action, reason: 'demo seed', fields }
            : { type: 'perform', action: a.action, fields, checklist },
          ctx,
        );
      let r = await tryStep(false);
      let override = false;
      if (!r.ok && r.rejection.code === 'gate-failed') {
        r = await tryStep(true);
        override = true;
      }
      if (!r.ok) continue;
      queue.push({
        rec: r.record,
        path: [
          ...item.path,
          { action: a.action, fields, checklist, override, slaMs: shortestSla(sop, item.rec) },
        ],
      });
    }
  }
  return found;
}

const HOUR_MS = 3_600_000;

/**
 * The shortest SLA among the record's active stages in milliseconds (a working day counted
 * as 8 hours, so a wall-clock gap below it never passes a working-time deadline), or null.
 */
function shortestSla(sop: CompiledSop, rec: RecordState): number | null {
  let least: number | null = null;
  for (const id of Object.keys(rec.stages)) {
    const sla = sop.stageById.get(id)?.meta?.sla;
    const d = sla ? parseDuration(sla.duration) : null;
    if (!sla || !d) continue;
    const day = sla.clock === 'working' ? 8 * HOUR_MS : 24 * HOUR_MS;
    const week = (sla.clock === 'working' ? 5 : 7) * day;
    const ms =
      d.weeks * week + d.days * day + d.hours * HOUR_MS + d.minutes * 60_000 + d.seconds * 1000;
    if (ms > 0) least = least === null ? ms : Math.min(least, ms);
  }
  return least;
}

async function ctxFor(deps: Deps, workspaceId: string, userId: string, now: number): Promise<Ctx> {
  const info = await loadUserInfo(deps.db, workspaceId, userId, false);
  if (!info) throw new Error(`seed user ${userId} missing`);
  return { ...deps, user: info.user, now, calendar: info.calendar, clockOffsetMs: 0 };
}

/**
 * Seeds the demo workspace when the database has no workspace at all. Returns the logins,
 * or null when there was something already.
 */
export async function seedDemo(deps: Deps): Promise<{ email: string; role: string }[] | null> {
  const any = await deps.db.query('select 1 from workspaces limit 1');
  if (any.length) return null;
  const docs = (await loadTemplates()).filter((d) => checkSop(d).ok);
  const teamIds = [...new Set(['sales', ...docs.flatMap(teamsOf)])];
  const ws = await createWorkspace(deps.db, {
    id: 'demo',
    name: '演示公司 Demo Co.',
    users: DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
    teams: teamIds.map((id) => ({
      id,
      name: TEAM_NAMES[id] ?? id,
      managers: ['manager@demo.test'],
      members: ['rep1@demo.test', 'rep2@demo.test'],
    })),
  });
  const id = (email: string) => ws.users[email]?.id ?? '';
  const now = deps.clock.now();
  const admin = await ctxFor(deps, ws.id, id('admin@demo.test'), now);
  const roster: Roster = {
    teams: teamIds.map((t) => ({
      id: t,
      managerIds: [id('manager@demo.test')],
      members: [id('rep1@demo.test'), id('rep2@demo.test')].map((userId) => ({
        userId,
        active: true,
        openCount: 0,
      })),
      rrCursor: 0,
    })),
  };
  let made = 0;
  for (const doc of docs) {
    try {
      await createSop({ ctx: admin, input: { doc } });
      await publishSop({ ctx: admin, input: { sopId: doc.id, note: '演示数据 · demo seed' } });
    } catch (e) {
      console.warn(`seed: SOP ${doc.id} skipped:`, e instanceof Error ? e.message : e);
      continue;
    }
    const sample = (at: number, userId: string, offset: number): Fields => {
      const fields: Fields = {};
      doc.fields.forEach((f, k) => {
        // one demo customer per record: its company, contact, phone and e-mail belong together
        const v = demoCustomerValue(f, offset) ?? sampleValue(f, at, userId, offset + k);
        if (v !== null) fields[f.key] = v;
      });
      return fields;
    };
    const paths = await pathsToStages(doc, sample(now, id('rep1@demo.test'), 0), roster, now);
    const targets = [...paths.entries()];
    // a couple of extra records at the start, so the first stage has a queue
    const first = targets[0];
    if (first) targets.push(first, first);
    for (const [i, [, path]] of targets.entries()) {
      // every third record started four days ago: its deadlines have passed (overdue)
      const backdated = i % 3 === 1;
      // the others took each step some time after the last (within every SLA of the SOP, so
      // no deadline passed unseen) and took the last one a few minutes ago
      const gaps = path.map((s, k) =>
        backdated ? 0 : (s.slaMs ?? 4 * HOUR_MS) * (0.2 + ((i * 31 + k * 17) % 40) / 100),
      );
      const last = backdated ? now - 4 * 24 * 3600 * 1000 : now - (targets.length - i) * 60_000;
      let at = last - gaps.reduce((a, b) => a + b, 0);
      const ctx = { ...admin, now: at };
      const fields = sample(at, id(i % 2 ? 'rep2@demo.test' : 'rep1@demo.test'), made);
      try {
        const created = await createRecord({ ctx, input: { sopId: doc.id, fields } });
        let version = created.record.version;
        for (const [k, s] of path.entries()) {
          at += gaps[k] ?? 0;
          ctx.now = Math.round(at);
          const input = { recordId: created.record.id, action: s.action, version };
          const out = s.override
            ? await overrideGate({
                ctx,
                input: { ...input, reason: '演示数据 demo seed', fields: s.fields },
              })
            : await performAction({
                ctx,
                input: { ...input, fields: s.fields, checklist: s.checklist },
              }).catch(async (e) => {
                if (!(e instanceof DomainError) || e.code !== 'gate-failed') throw e;
                return overrideGate({ ctx, input: { ...input, reason: '演示数据 demo seed' } });
              });
          version = out.record.version;
        }
        made++;
      } catch (e) {
        console.warn(`seed: a ${doc.id} record stopped early:`, e instanceof Error ? e.message : e);
      }
    }
  }
  await seedPoolCustomers(deps.db, ws.id, now);
  console.log(`seed: demo workspace with ${docs.length} SOPs and ${made} records`);
  return DEMO_USERS.map((u) => ({ email: u.email, role: u.role }));
}
