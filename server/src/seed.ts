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
  checkSop,
  type Fields,
  parseSop,
  publishOrder,
  type Roster,
  type SopDocument,
} from '@closeloop/engine';
import {
  DEMO_CUSTOMERS,
  type DemoCustomer,
  LOOK_ALIKES,
  seedPoolCustomers,
} from './seed-customers.ts';
import { fill, firstStep, pathsToStages } from './seed-paths.ts';
import { loadUserInfo } from './services/auth/sessions.ts';
import type { Ctx, Deps } from './services/core/context.ts';
import { DomainError } from './services/core/errors.ts';
import { updateCustomer } from './services/customers/update-customer.ts';
import { createWorkspace } from './services/people/create-workspace.ts';
import { createRecord } from './services/records/create-record.ts';
import { overrideGate } from './services/records/override-gate.ts';
import { performAction } from './services/records/perform-action.ts';
import { createSop } from './services/sops/create-sop.ts';
import { publishSop } from './services/sops/publish-sop.ts';
import { teamsOf } from './services/sops/sop-cache.ts';

export const DEMO_PASSWORD = 'demo1234';
export const DEMO_USERS = [
  { email: 'admin@demo.test', name: '王建华', role: 'admin' },
  { email: 'manager@demo.test', name: '李志刚', role: 'manager' },
  { email: 'trainer@demo.test', name: '赵雪', role: 'trainer' },
  { email: 'rep1@demo.test', name: '张磊', role: 'rep' },
  { email: 'rep2@demo.test', name: '陈静', role: 'rep' },
] as const;

/** Reps who left: the departure-handover records are about them (no sign-in, no team). */
const FORMER_STAFF = ['刘凯', '杨帆', '孙悦', '周鹏', '吴倩', '郑浩'];

export const DEMO_WORKSPACE_NAME = '杭州启航工业设备有限公司';

const TEAM_NAMES: Record<string, string> = {
  sales: '华东销售一部',
  marketing: '市场部',
  service: '客户服务部',
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
  // handoff targets first: publishing an SOP checks that the SOPs it hands off to are published
  const docs = publishOrder((await loadTemplates()).filter((d) => checkSop(d).ok));
  const teamIds = [...new Set(['sales', ...docs.flatMap(teamsOf)])];
  const ws = await createWorkspace(deps.db, {
    id: 'demo',
    name: DEMO_WORKSPACE_NAME,
    users: [
      ...DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
      ...FORMER_STAFF.map((name, k) => ({
        email: `former${k + 1}@demo.test`,
        name,
        role: 'rep' as const,
        password: crypto.randomUUID(),
      })),
    ],
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
  const people = {
    a: id('rep1@demo.test'),
    b: id('rep2@demo.test'),
    former: FORMER_STAFF.map((_, k) => id(`former${k + 1}@demo.test`)),
  };
  let made = 0;
  for (const doc of docs) {
    try {
      await createSop({ ctx: admin, input: { doc } });
      await publishSop({ ctx: admin, input: { sopId: doc.id, note: '首次发布' } });
    } catch (e) {
      console.warn(`seed: SOP ${doc.id} skipped:`, e instanceof Error ? e.message : e);
      continue;
    }
    made += await seedRecords(admin, doc, roster, people, made);
  }
  // the same companies written another way: the duplicates queue has something to merge
  const lead = docs.find((d) => d.id === 'closed-loop') ?? docs[0];
  if (lead) {
    for (const customer of LOOK_ALIKES) {
      made += await seedRecords(admin, lead, roster, people, made, { customer });
    }
  }
  await seedPoolCustomers(deps.db, ws.id, now);
  console.log(`seed: demo workspace with ${docs.length} SOPs and ${made} records`);
  return DEMO_USERS.map((u) => ({ email: u.email, role: u.role }));
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const OVERRIDE_REASON = '主管特批：客户已口头确认，书面资料随后补齐';

/**
 * Makes the records of one SOP, one per reachable leaf stage (and two more in the first):
 * each for the next demo customer, created with what a lead arrives with and filled step by
 * step with what each action asks for. Returns how many were made.
 */
async function seedRecords(
  admin: Ctx,
  doc: SopDocument,
  roster: Roster,
  people: { a: string; b: string; former: string[] },
  offset: number,
  extra?: { customer: DemoCustomer },
): Promise<number> {
  const now = admin.now;
  const { sop, keys } = await firstStep(doc, roster, now);
  const paths = await pathsToStages(doc, roster, now);
  let targets = [...paths.values()];
  // a couple of extra records at the start, so the first stage has a queue
  const first = targets[0];
  if (first) targets.push(first, first);
  if (extra) targets = first ? [first] : [];
  let made = 0;
  for (const [i, path] of targets.entries()) {
    const n = offset + made;
    const customer = extra?.customer ?? (DEMO_CUSTOMERS[n % DEMO_CUSTOMERS.length] as DemoCustomer);
    // every third record started four days ago: its deadlines have passed (overdue)
    const backdated = !extra && i % 3 === 1;
    // the others took each step some time after the last (within every SLA of the SOP, so
    // no deadline passed unseen) and took the last one a few minutes ago
    const gaps = path.map((s, k) =>
      backdated ? 0 : (s.slaMs ?? 4 * HOUR_MS) * (0.2 + ((i * 31 + k * 17) % 40) / 100),
    );
    const last = backdated ? now - 4 * DAY_MS : now - (targets.length - i) * 60_000;
    let at = last - gaps.reduce((a, b) => a + b, 0);
    const ctx = { ...admin, now: Math.round(at) };
    // an internal SOP's person (a departing rep) is one of the former staff
    const internal = !doc.fields.some((f) => f.type === 'phone' || f.type === 'email');
    const leaver = people.former[i % people.former.length] ?? people.b;
    const rep = i % 2 ? people.b : people.a;
    const [userId, otherUserId] = internal ? [leaver, rep] : [rep, i % 2 ? people.a : people.b];
    const vc = { customer, n, step: 0, at, userId, otherUserId };
    let fields = fill(sop, keys, new Map(), {}, vc);
    try {
      const created = await createRecord({ ctx, input: { sopId: doc.id, fields } });
      await completeCustomer(ctx, created.customer, doc, fields, customer);
      let version = created.record.version;
      for (const [k, s] of path.entries()) {
        at += gaps[k] ?? 0;
        ctx.now = Math.round(at);
        const stepFields = fill(sop, s.asks, s.wants, fields, { ...vc, step: k + 1, at });
        const input = { recordId: created.record.id, action: s.action, version };
        const out = s.override
          ? await overrideGate({
              ctx,
              input: { ...input, reason: OVERRIDE_REASON, fields: stepFields },
            })
          : await performAction({
              ctx,
              input: { ...input, fields: stepFields, checklist: s.checklist },
            }).catch(async (e) => {
              if (!(e instanceof DomainError) || e.code !== 'gate-failed') throw e;
              return overrideGate({ ctx, input: { ...input, reason: OVERRIDE_REASON } });
            });
        version = out.record.version;
        fields = { ...fields, ...stepFields };
      }
      made++;
    } catch (e) {
      console.warn(`seed: a ${doc.id} record stopped early:`, e instanceof Error ? e.message : e);
    }
  }
  return made;
}

const SOURCES: Record<string, string> = {
  'inbound-web-lead': '官网表单',
  'trade-show-leads': '展会',
  'b2b-manufacturing': '阿里巴巴询盘',
  'closed-loop': '老客户转介绍',
};

/**
 * A customer the seed just created gets what a rep fills in on its page (region, industry,
 * source). A record of an internal SOP (a departing rep's handover) names nobody outside:
 * its customer is named after the person the record is about.
 */
async function completeCustomer(
  ctx: Ctx,
  customer: { id: string; created: boolean } | undefined,
  doc: SopDocument,
  fields: Fields,
  demo: DemoCustomer,
): Promise<void> {
  if (!customer?.created) return;
  const ws = ctx.user.workspaceId;
  const rows = await ctx.db.query(
    'select name, version from customers where workspace_id = $1 and id = $2',
    [ws, customer.id],
  );
  const row = rows[0];
  if (!row) return;
  const version = Number(row.version);
  if (String(row.name).trim()) {
    const source = SOURCES[doc.id] ?? null;
    const input = { region: demo.region, industry: demo.industry, source };
    await updateCustomer({ ctx, input: { customerId: customer.id, version, ...input } });
    return;
  }
  const userKey = doc.fields.find((f) => f.type === 'user')?.key;
  const userId = userKey ? fields[userKey] : null;
  const named =
    typeof userId === 'string'
      ? (
          await ctx.db.query('select name from users where workspace_id = $1 and id = $2', [
            ws,
            userId,
          ])
        )[0]?.name
      : null;
  const title = doc.name['zh-CN'].split(/[：:（(]/)[0] ?? doc.name['zh-CN'];
  const name = typeof named === 'string' ? `${named}（${title}）` : title;
  await updateCustomer({ ctx, input: { customerId: customer.id, version, kind: 'person', name } });
}
