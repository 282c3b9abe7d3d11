/**
 * Every operation in /api/openapi.json, with arbitrary Unicode (NUL, lone UTF-16 surrogates
 * and any code point) in each path and query parameter and each string in its JSON body:
 * the answer may be any 4xx, never a 5xx.
 */
// Regression: NUL or a lone surrogate in a body, query, path id or cookie answered 500.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  type Json,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

/** One UTF-16 unit or code point: mostly hostile (NUL, lone surrogates), else anything. */
const unit = fc.oneof(
  fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '%00', '\\u0000'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const hostile = fc.oneof(
  fc.string({ unit, minLength: 0, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }),
  // values that are well-formed text but not what a field expects
  fc.constantFrom('0000-01-01', '9999-12-31', '2026-02-30', '-1', '1e400', '../..', 'ＡＤＭＩＮ'),
);
/** Always tried first, then random strings. */
const EXAMPLES: Array<[string]> = [
  ['\u0000'],
  ['de\u0000mo'],
  ['\uD800'],
  ['a\uDFFFb'],
  [''],
  ['0000-01-01'],
];

/** Percent-encodes as WTF-8: a lone surrogate becomes its 3-byte form, as a raw client sends. */
function encodeWtf8(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(s[i] ?? '');
    }
  }
  return out;
}

type Schema = Json;
type Param = { name: string; in: string; required?: boolean; schema?: Schema };
type Op = { method: string; path: string; id: string; params: Param[]; body?: Schema };
type Target =
  | { kind: 'param'; name: string; in: string }
  | { kind: 'body'; path: Array<string | number> }
  | { kind: 'key'; path: Array<string | number> };

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`arbitrary Unicode to every operation on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let doc: Json;
    const real: Record<string, string> = {};
    const sopId = `fz-${crypto.randomUUID().slice(0, 6)}`;

    const resolve = (s: Schema): Schema => {
      if (s?.$ref) return resolve(doc.components.schemas[String(s.$ref).split('/').pop() ?? '']);
      return s ?? {};
    };

    /** A plausible value for a schema, so that a fuzzed field reaches past its siblings. */
    const sample = (raw: Schema, name = '', depth = 0): unknown => {
      const s = resolve(raw);
      if (s.default !== undefined) return s.default;
      if (s.enum) return s.enum[0];
      if (s.const !== undefined) return s.const;
      const alt = s.anyOf ?? s.oneOf;
      if (alt) return sample(alt[alt.length - 1], name, depth);
      if (name === 'doc') return testSop(sopId);
      const type = Array.isArray(s.type) ? s.type[0] : s.type;
      if (type === 'string') {
        if (real[name]) return real[name];
        if (s.format === 'email') return `fz-${crypto.randomUUID().slice(0, 6)}@it.test`;
        return 'x'.repeat(Math.max(1, s.minLength ?? 1));
      }
      if (type === 'integer' || type === 'number') return s.minimum ?? 1;
      if (type === 'boolean') return false;
      if (type === 'array') {
        return depth > 3 || !s.items
          ? []
          : [sample(s.items, name, depth + 1)].slice(0, s.minItems ? 1 : 0);
      }
      if (type === 'object' || s.properties) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
          if ((s.required ?? []).includes(k) || depth === 0) out[k] = sample(v, k, depth + 1);
        }
        return out;
      }
      return 'x';
    };

    /** Paths to the string leaves and the keys of free-form objects in a sample value. */
    const targetsIn = (v: unknown, path: Array<string | number> = []): Target[] => {
      if (typeof v === 'string') return [{ kind: 'body', path }];
      if (Array.isArray(v)) return v.flatMap((x, i) => targetsIn(x, [...path, i]));
      if (v && typeof v === 'object') {
        const inner = Object.entries(v).flatMap(([k, x]) => targetsIn(x, [...path, k]));
        return [{ kind: 'key', path } as Target, ...inner];
      }
      return [];
    };

    const setAt = (root: unknown, t: Target, s: string): unknown => {
      const copy = structuredClone(root);
      if (t.kind === 'param') return copy;
      if (t.path.length === 0) return t.kind === 'body' ? s : { ...(copy as object), [s]: 'x' };
      let at: Json = copy;
      for (const k of t.path.slice(0, -1)) at = at[k];
      const last = t.path[t.path.length - 1] ?? '';
      if (t.kind === 'body') at[last] = s;
      else at[last] = { ...at[last], [s]: 'x' };
      return copy;
    };

    /** Sends one request; an event stream is cut once its headers arrive. */
    const send = async (op: Op, t: Target, s: string, body: unknown): Promise<number> => {
      let path = op.path;
      const query: string[] = [];
      for (const p of op.params) {
        if (p.in === 'header') continue;
        const own = t.kind === 'param' && t.name === p.name && t.in === p.in;
        const value = own ? s : (real[p.name] ?? String(sample(p.schema, p.name)));
        if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeWtf8(value));
        else if (own || p.required) query.push(`${p.name}=${encodeWtf8(value)}`);
      }
      const headers: Record<string, string> = { cookie: admin.cookie, 'x-closeloop-csrf': '1' };
      let payload: string | undefined;
      if (op.body) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(t.kind === 'param' ? body : setAt(body, t, s));
      }
      const url = `${srv.url}/api${path}${query.length ? `?${query.join('&')}` : ''}`;
      const res = await fetch(url, { method: op.method, headers, body: payload });
      if (res.headers.get('content-type')?.includes('event-stream')) await res.body?.cancel();
      else await res.arrayBuffer();
      if (res.status === 401 && op.id !== 'login') await admin.login(ws.email('admin'));
      return res.status;
    };

    beforeAll(async () => {
      ({ srv, ws, admin } = await openWorld(lane, { people: ['admin'] }));
      await publish(admin, testSop(sopId));
      const rec = await admin.post('/api/records', {
        sopId,
        fields: {},
        ownerId: ws.userId('rep1'),
      });
      doc = (await admin.get('/api/openapi.json')).body;
      Object.assign(real, {
        sopId,
        recordId: String(rec.body.record.id),
        userId: ws.userId('rep3'),
        teamId: 'marketing',
        templateId: 'closed-loop',
        report: 'funnel',
        version: '1',
      });
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('reads every operation from the OpenAPI document', () => {
      expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
    });

    const ops = (): Op[] =>
      Object.entries<Json>(doc.paths).flatMap(([path, byMethod]) =>
        Object.entries<Json>(byMethod).map(([method, o]) => ({
          method: method.toUpperCase(),
          path,
          id: String(o.operationId),
          params: (o.parameters ?? []) as Param[],
          body: o.requestBody?.content?.['application/json']?.schema,
        })),
      );

    it('answers every operation with a 4xx or success, never a 5xx', async () => {
      const failures: string[] = [];
      for (const op of ops()) {
        const body = op.body ? sample(op.body) : undefined;
        const targets: Target[] = [
          ...op.params
            .filter((p) => p.in !== 'header')
            .map((p): Target => ({ kind: 'param', name: p.name, in: p.in })),
          ...(body === undefined ? [] : targetsIn(body)),
        ];
        // a large body (an SOP document) is sampled: every 7th leaf keeps the run short
        const picked = targets.length > 24 ? targets.filter((_, i) => i % 7 === 0) : targets;
        for (const t of picked) {
          const where =
            t.kind === 'param'
              ? `${t.in} ${t.name}`
              : `${t.kind === 'key' ? 'key in ' : ''}body.${t.path.join('.')}`;
          try {
            await fc.assert(
              fc.asyncProperty(hostile, async (s) => {
                const status = await send(op, t, s, body);
                return status < 500;
              }),
              { numRuns: 6, examples: EXAMPLES, endOnFailure: true },
            );
          } catch (e) {
            const m = /Counterexample: (.*)/.exec(String(e));
            failures.push(`${op.method} ${op.path} (${where}): ${m?.[1] ?? e}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 600_000);

    it('treats a malformed session cookie as no session', async () => {
      for (const cookie of ['de%00mo.abc', '%ED%A0%80.x', 'a.b%00', '%E0%A4%A', 'x'.repeat(5000)]) {
        for (const path of ['/api/health', '/api/me', '/api/records']) {
          const res = await fetch(srv.url + path, { headers: { cookie: `cl_session=${cookie}` } });
          expect(res.status, `${path} with cookie ${cookie.slice(0, 20)}`).toBeLessThan(500);
        }
        const out = await fetch(`${srv.url}/api/auth/logout`, {
          method: 'POST',
          headers: { cookie: `cl_session=${cookie}`, 'x-closeloop-csrf': '1' },
        });
        expect(out.status).toBeLessThan(500);
      }
    });
  });
}
