/**
 * The customers migration on a database that already holds records: every record gets a
 * customer, records sharing a phone (written differently) or an e-mail share one, and their
 * keys are stored. Runs the migrations before it, inserts records, then runs it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client.ts';
import { migrationsFolder } from './migrate.ts';

type Journal = { entries: Array<{ idx: number; tag: string }> };

describe('customers backfill migration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-mig-'));
  let db: Db | undefined;
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every existing record a customer, grouped by phone and e-mail', async () => {
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalPath = join(dir, 'meta', '_journal.json');
    const journal: Journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const at = journal.entries.findIndex((e) => e.tag.endsWith('_customers'));
    expect(at).toBeGreaterThan(0);
    writeFileSync(
      journalPath,
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }),
    );
    db = await createDb({ dataDir: 'memory://' });
    const orm = db.orm as unknown as Parameters<typeof migrate>[0];
    await migrate(orm, { migrationsFolder: dir });
    const rec = (id: string, fields: Record<string, string>, owner: string) =>
      db?.query(
        `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields, owner_id,
           stage, stages, version, event_count, created_at, updated_at)
         values ('w1', $1, 's', 1, 'open', '{}'::jsonb, $2::text::jsonb, $3, 'new', '{new}', 1, 1, now(), now())`,
        [id, JSON.stringify(fields), owner],
      );
    await rec('r1', { company: '上海华东建材贸易有限公司', phone: '138 0013 8000' }, 'u1');
    await rec('r2', { company: '华东建材', phone: '+86 138-0013-8000' }, 'u2');
    await rec('r3', { contactName: '张伟', email: 'Zhang.Wei@Example.com' }, 'u1');
    await rec('r4', { contactName: '张伟', email: 'zhang.wei@example.com ' }, 'u1');
    await rec('r5', { company: '广州白云五金', phone: '020-8765 4321' }, 'u3');
    await rec('r6', {}, 'u3');
    await migrate(orm, { migrationsFolder });

    const rows = await db.query(
      'select id, customer_id from records where workspace_id = $1 order by id',
      ['w1'],
    );
    const of = Object.fromEntries(rows.map((r) => [String(r.id), r.customer_id]));
    expect(rows.every((r) => typeof r.customer_id === 'string')).toBe(true);
    expect(of.r1).toBe(of.r2);
    expect(of.r3).toBe(of.r4);
    expect(new Set(Object.values(of)).size).toBe(4);
    const keys = await db.query(
      `select kind, value from customer_keys where workspace_id = 'w1' and kind in ('phone', 'email')
        order by kind, value`,
    );
    expect(keys).toEqual([
      { kind: 'email', value: 'zhang.wei@example.com' },
      { kind: 'phone', value: '+8613800138000' },
      { kind: 'phone', value: '+862087654321' },
    ]);
    const company = await db.query(
      `select kind, name, owner_id from customers where workspace_id = 'w1' and id = $1`,
      [of.r1],
    );
    expect(company[0]).toMatchObject({ kind: 'company' });
  });
});
