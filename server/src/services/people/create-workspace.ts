/**
 * Creates a workspace with its people and teams in one transaction. Used by the demo seed
 * and by test factories (each test file makes its own workspace). Issue 4 adds the admin
 * API over the same tables.
 */
import type { Calendar, Role } from '@closeloop/engine';
import type { Db } from '../../db/client.ts';
import { hashPassword } from '../auth/sessions.ts';
import { normalizeEmail } from '../auth/sign-in-throttle.ts';

export type NewUser = {
  /** Optional fixed id; a UUID otherwise. */
  id?: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  /**
   * A hash of `password` made beforehand, stored instead of hashing it here: for fixtures
   * that make hundreds of users (an argon2id hash at the default cost takes ~0.1 s of CPU).
   */
  passwordHash?: string;
  locale?: 'zh-CN' | 'en';
};

export type NewTeam = {
  id: string;
  name: string;
  /** Reps see each other's records in this team (default: only their own). */
  shared?: boolean;
  /** Emails of the team's managers. */
  managers?: string[];
  /** Emails (or `{ email, weight, cap }`) of the members records rotate over. */
  members?: Array<string | { email: string; weight?: number; cap?: number }>;
};

export type CreatedWorkspace = {
  id: string;
  users: Record<string, { id: string; email: string; role: Role }>;
};

export async function createWorkspace(
  db: Db,
  input: {
    id?: string;
    name: string;
    users: NewUser[];
    teams?: NewTeam[];
    calendar?: Calendar;
  },
): Promise<CreatedWorkspace> {
  const id = input.id ?? crypto.randomUUID();
  const hashes = await Promise.all(
    input.users.map((u) => u.passwordHash ?? hashPassword(u.password)),
  );
  const users: CreatedWorkspace['users'] = {};
  input.users.forEach((u) => {
    const email = normalizeEmail(u.email);
    users[email] = { id: u.id ?? crypto.randomUUID(), email, role: u.role };
  });
  const userId = (email: string) => {
    const u = users[normalizeEmail(email)];
    if (!u) throw new Error(`team names unknown user ${email}`);
    return u.id;
  };
  await db.transaction(async (q) => {
    await q('insert into workspaces (id, name, calendar) values ($1, $2, $3::text::jsonb)', [
      id,
      input.name,
      input.calendar ? JSON.stringify(input.calendar) : null,
    ]);
    for (const [i, u] of input.users.entries()) {
      const email = normalizeEmail(u.email);
      await q(
        `insert into users (workspace_id, id, email, name, role, locale, password_hash)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [id, users[email]?.id, email, u.name, u.role, u.locale ?? 'zh-CN', hashes[i]],
      );
    }
    for (const t of input.teams ?? []) {
      await q('insert into teams (workspace_id, id, name, shared) values ($1, $2, $3, $4)', [
        id,
        t.id,
        t.name,
        t.shared ?? false,
      ]);
      for (const m of t.managers ?? []) {
        await q(
          `insert into memberships (workspace_id, team_id, user_id, role) values ($1, $2, $3, 'manager')`,
          [id, t.id, userId(m)],
        );
      }
      for (const m of t.members ?? []) {
        const spec = typeof m === 'string' ? { email: m } : m;
        await q(
          `insert into memberships (workspace_id, team_id, user_id, role, weight, cap)
           values ($1, $2, $3, 'member', $4, $5)`,
          [id, t.id, userId(spec.email), spec.weight ?? 1, spec.cap ?? null],
        );
      }
    }
  });
  return { id, users };
}
