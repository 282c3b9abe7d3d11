/** What the database already holds, read once per run: lead keys and the workspace's users. */
import type { Ctx } from '../../core/context.ts';
import { emailKey, phoneKey } from '../../records/find-duplicates.ts';

const PHONE_LIKE = /^(1[3-9]\d{9}|0\d{9,11})$/;

/**
 * Keys of every record's phone and e-mail values (any channel, quick capture included),
 * of leads entered through intake, and `x:source:externalId` of every lead with an external id.
 */
export async function loadKnownKeys(ctx: Ctx): Promise<Map<string, string>> {
  const ws = ctx.user.workspaceId;
  const known = new Map<string, string>();
  const values = await ctx.db.query(
    `select r.id, f.value from records r, jsonb_each_text(r.fields) f
      where r.workspace_id = $1 and (f.value ~ '^[+0-9 ()（）-]{7,40}$' or f.value like '%@%')`,
    [ws],
  );
  for (const row of values) {
    const v = String(row.value);
    const id = String(row.id);
    if (v.includes('@')) {
      const k = emailKey(v);
      if (k && !known.has(`e:${k}`)) known.set(`e:${k}`, id);
    } else {
      const k = phoneKey(v);
      if (k && PHONE_LIKE.test(k) && !known.has(`p:${k}`)) known.set(`p:${k}`, id);
    }
  }
  const keys = await ctx.db.query(
    'select key, record_id from intake_keys where workspace_id = $1',
    [ws],
  );
  for (const row of keys) known.set(String(row.key), String(row.record_id));
  const ext = await ctx.db.query(
    `select source, external_id, record_id from intake_leads
      where workspace_id = $1 and external_id is not null`,
    [ws],
  );
  for (const row of ext) known.set(`x:${row.source}:${row.external_id}`, String(row.record_id));
  return known;
}

/** Active users by lower-cased name and e-mail (a name two users share names nobody). */
export async function loadUserNames(ctx: Ctx): Promise<Map<string, string>> {
  const rows = await ctx.db.query(
    'select id, name, email from users where workspace_id = $1 and active',
    [ctx.user.workspaceId],
  );
  const out = new Map<string, string>();
  const byName = new Map<string, string[]>();
  for (const r of rows) {
    out.set(String(r.email).toLowerCase(), String(r.id));
    const name = String(r.name).trim().toLowerCase();
    byName.set(name, [...(byName.get(name) ?? []), String(r.id)]);
  }
  for (const [name, ids] of byName) {
    if (ids.length === 1 && ids[0] && !out.has(name)) out.set(name, ids[0]);
  }
  return out;
}
