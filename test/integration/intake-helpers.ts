/** Shared by the intake suites: a lead SOP with contact fields, and a multipart upload. */
import type { SopDocument } from '@closeloop/engine';
import { type Client, type Json, type Res, testSop } from './harness.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The harness's test SOP plus contact, e-mail and visit-date fields. */
export function intakeSop(id: string): SopDocument {
  const doc = testSop(id);
  doc.fields.push(
    { key: 'contact', type: 'text', label: t('联系人', 'Contact') },
    { key: 'email', type: 'email', label: t('邮箱', 'Email') },
    { key: 'visitDate', type: 'date', label: t('到访日期', 'Visit date') },
  );
  return doc;
}

/** POST /api/imports as the signed-in client (multipart, like the editor's upload). */
export async function upload(
  c: Client,
  bytes: Uint8Array,
  name: string,
  sopId: string,
  source?: string,
): Promise<Res<Json>> {
  const form = new FormData();
  form.set('file', new File([bytes.slice()], name));
  form.set('sopId', sopId);
  if (source) form.set('source', source);
  const res = await fetch(`${c.base}/api/imports`, {
    method: 'POST',
    headers: { cookie: c.cookie, 'x-closeloop-csrf': '1' },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Polls getImport until the run leaves `running`/`cancelling`. */
export async function waitForImport(c: Client, id: string, timeoutMs = 60_000): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await c.get(`/api/imports/${id}`);
    if (r.status !== 200) throw new Error(`getImport ${r.status} ${JSON.stringify(r.body)}`);
    if (!['running', 'cancelling'].includes(r.body.status)) return r.body;
    if (Date.now() > until) throw new Error(`import ${id} still ${r.body.status}`);
    await Bun.sleep(50);
  }
}
