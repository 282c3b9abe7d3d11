/** Hosted lead forms: built by managers and admins, served publicly at /f/:key. */
import type { LocalizedText } from '@closeloop/engine';
import { assertRole } from '../../core/access.ts';
import type { Ctx, Verb } from '../../core/context.ts';
import { Invalid, NotFound } from '../../core/errors.ts';
import { publishedSop } from '../imports/setup.ts';

export type FormField = { field: string; label: LocalizedText; required: boolean };

export type FormInput = {
  sopId: string;
  title: LocalizedText;
  fields: FormField[];
  source: string;
  ownerId?: string | null;
  duplicatePolicy?: 'skip' | 'create';
  thankYou: LocalizedText;
  active?: boolean;
};

export type Form = FormInput & {
  id: string;
  key: string;
  ownerId: string | null;
  duplicatePolicy: 'skip' | 'create';
  active: boolean;
  createdAt: number;
  updatedAt: number;
};

const COLUMNS = `id, key, sop_id, title, fields, source, owner_id, duplicate_policy, thank_you, active, created_at, updated_at`;
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

export function formOf(r: Record<string, unknown>): Form {
  return {
    id: String(r.id),
    key: String(r.key),
    sopId: String(r.sop_id),
    title: json(r.title),
    fields: json(r.fields),
    source: String(r.source),
    ownerId: typeof r.owner_id === 'string' ? r.owner_id : null,
    duplicatePolicy: r.duplicate_policy === 'create' ? 'create' : 'skip',
    thankYou: json(r.thank_you),
    active: r.active === true,
    createdAt: ms(r.created_at),
    updatedAt: ms(r.updated_at),
  };
}

/** Every form field must be a field of the SOP, once; a phone field is what makes a lead. */
async function checkForm(ctx: Ctx, input: Pick<FormInput, 'sopId' | 'fields'>) {
  const sop = await publishedSop(ctx, input.sopId);
  const errors: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  input.fields.forEach((f, i) => {
    if (!sop.doc.fields.some((d) => d.key === f.field)) {
      errors.push({ path: `fields.${i}.field`, message: `the SOP has no field "${f.field}"` });
    }
    if (seen.has(f.field)) errors.push({ path: `fields.${i}.field`, message: 'listed twice' });
    seen.add(f.field);
  });
  if (errors.length) throw new Invalid('invalid-input', 'the form is not valid', { errors });
}

/** A form key: 12 URL-safe characters, unguessable. */
const newKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString('base64url');

export const createForm: Verb<FormInput, Form> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin', 'manager'], 'building forms');
  await checkForm(ctx, input);
  const rows = await ctx.db.query(
    `insert into forms (workspace_id, id, key, sop_id, title, fields, source, owner_id, duplicate_policy, thank_you, active, created_by)
     values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $12) returning ${COLUMNS}`,
    [
      ctx.user.workspaceId,
      crypto.randomUUID(),
      newKey(),
      input.sopId,
      JSON.stringify(input.title),
      JSON.stringify(input.fields),
      input.source,
      input.ownerId ?? null,
      input.duplicatePolicy ?? 'skip',
      JSON.stringify(input.thankYou),
      input.active ?? true,
      ctx.user.id,
    ],
  );
  if (!rows[0]) throw new Error('form vanished');
  return formOf(rows[0]);
};

export const listForms: Verb<Record<string, never>, { items: Form[] }> = async ({ ctx }) => {
  assertRole(ctx.user, ['admin', 'manager'], 'building forms');
  const rows = await ctx.db.query(
    `select ${COLUMNS} from forms where workspace_id = $1 order by created_at desc, id`,
    [ctx.user.workspaceId],
  );
  return { items: rows.map(formOf) };
};

export const updateForm: Verb<{ formId: string } & Partial<FormInput>, Form> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin', 'manager'], 'building forms');
  const cur = await ctx.db.query(
    `select ${COLUMNS} from forms where workspace_id = $1 and id = $2`,
    [ctx.user.workspaceId, input.formId],
  );
  if (!cur[0]) throw new NotFound('form', input.formId);
  const next = { ...formOf(cur[0]), ...input };
  await checkForm(ctx, next);
  const rows = await ctx.db.query(
    `update forms set sop_id = $3, title = $4::jsonb, fields = $5::jsonb, source = $6, owner_id = $7,
       duplicate_policy = $8, thank_you = $9::jsonb, active = $10, updated_at = now()
     where workspace_id = $1 and id = $2 returning ${COLUMNS}`,
    [
      ctx.user.workspaceId,
      input.formId,
      next.sopId,
      JSON.stringify(next.title),
      JSON.stringify(next.fields),
      next.source,
      next.ownerId ?? null,
      next.duplicatePolicy,
      JSON.stringify(next.thankYou),
      next.active,
    ],
  );
  if (!rows[0]) throw new NotFound('form', input.formId);
  return formOf(rows[0]);
};

/** A form by its public key (any workspace); null when unknown or switched off. */
export async function publicForm(
  db: Ctx['db'],
  key: string,
): Promise<(Form & { workspaceId: string }) | null> {
  const rows = await db.query(
    `select workspace_id, ${COLUMNS} from forms where key = $1 and active`,
    [key],
  );
  const r = rows[0];
  return r ? { ...formOf(r), workspaceId: String(r.workspace_id) } : null;
}
