/**
 * application/problem+json (RFC 9457): a stable `type`, a `title` in the caller's language,
 * `status`, `detail`, `instance` (the request id), plus `errors[]` for validation and gates.
 */
import type { LocalizedText } from '@closeloop/engine';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorDetail } from '../services/core/errors.ts';
import type { ProblemCode } from '../services/core/problem-codes.ts';

export type { ProblemCode };

export type Locale = 'zh-CN' | 'en';

type ProblemSpec = { status: ContentfulStatusCode; title: LocalizedText };

const SPECS = {
  'not-found': { status: 404, title: { 'zh-CN': '未找到', en: 'Not found' } },
  forbidden: { status: 403, title: { 'zh-CN': '无权操作', en: 'Forbidden' } },
  unauthenticated: { status: 401, title: { 'zh-CN': '请先登录', en: 'Sign in required' } },
  'token-invalid': {
    status: 401,
    title: {
      'zh-CN': 'API 令牌无效、已吊销或已过期',
      en: 'The API token is invalid, revoked or expired',
    },
  },
  'token-scope': {
    status: 403,
    title: {
      'zh-CN': 'API 令牌的权限范围不包含此操作',
      en: "The API token's scopes do not allow this operation",
    },
  },
  'bad-credentials': {
    status: 401,
    title: { 'zh-CN': '邮箱或密码错误', en: 'Wrong email or password' },
  },
  'account-deactivated': {
    status: 403,
    title: {
      'zh-CN': '该账号已被停用，请联系管理员',
      en: 'This account has been deactivated; ask your administrator',
    },
  },
  'stale-version': {
    status: 409,
    title: { 'zh-CN': '记录已被他人修改', en: 'The record has changed since you loaded it' },
  },
  'gate-failed': {
    status: 422,
    title: { 'zh-CN': '尚未满足进入下一阶段的条件', en: 'The gate to the next stage is not met' },
  },
  'unknown-action': { status: 422, title: { 'zh-CN': '未知的操作', en: 'Unknown action' } },
  'action-not-open': {
    status: 409,
    title: {
      'zh-CN': '当前阶段不能执行此操作',
      en: 'This action is not open in the current stage',
    },
  },
  'role-not-allowed': {
    status: 403,
    title: { 'zh-CN': '你的角色不能执行此操作', en: 'Your role may not take this action' },
  },
  'record-closed': { status: 409, title: { 'zh-CN': '记录已关闭', en: 'The record is closed' } },
  'record-open': {
    status: 409,
    title: { 'zh-CN': '记录仍在进行中', en: 'The record is still open' },
  },
  'invalid-fields': {
    status: 422,
    title: { 'zh-CN': '字段值不合法', en: 'Some field values are invalid' },
  },
  'unknown-timer': {
    status: 409,
    title: { 'zh-CN': '定时器已处理', en: 'The timer was already handled' },
  },
  'no-assignee': {
    status: 422,
    title: { 'zh-CN': '找不到可分配的负责人', en: 'Nobody is available to assign' },
  },
  'handover-required': {
    status: 422,
    title: {
      'zh-CN': '该用户仍有进行中的记录，请指定交接对象',
      en: 'This user still owns open records: choose who takes them',
    },
  },
  'invite-invalid': {
    status: 400,
    title: { 'zh-CN': '邀请链接无效或已过期', en: 'The invitation link is invalid or has expired' },
  },
  'user-exists': { status: 409, title: { 'zh-CN': '该用户已存在', en: 'The user already exists' } },
  'team-exists': { status: 409, title: { 'zh-CN': '团队已存在', en: 'The team already exists' } },
  'too-many-attempts': {
    status: 429,
    title: {
      'zh-CN': '登录失败次数过多，请稍后再试',
      en: 'Too many failed sign-ins; try again later',
    },
  },
  'rate-limited': {
    status: 429,
    title: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; slow down' },
  },
  'owner-inactive': {
    status: 409,
    title: { 'zh-CN': '负责人已停用，请重试', en: 'The new owner was deactivated; try again' },
  },
  'invalid-command': { status: 422, title: { 'zh-CN': '命令不合法', en: 'Invalid command' } },
  'sop-invalid': {
    status: 422,
    title: { 'zh-CN': 'SOP 文档有问题', en: 'The SOP document has problems' },
  },
  'sop-exists': { status: 409, title: { 'zh-CN': 'SOP 已存在', en: 'The SOP already exists' } },
  'sop-not-published': {
    status: 409,
    title: { 'zh-CN': 'SOP 尚未发布', en: 'The SOP has no published version' },
  },
  'handoff-target-unpublished': {
    status: 422,
    title: {
      'zh-CN': '转交的目标 SOP 不存在或尚未发布，操作未执行',
      en: 'The SOP this action hands off to does not exist or is not published; nothing was done',
    },
  },
  'idempotency-key-reused': {
    status: 422,
    title: {
      'zh-CN': '幂等键已用于另一个请求',
      en: 'The Idempotency-Key was used for a different request',
    },
  },
  'idempotency-key-invalid': {
    status: 400,
    title: { 'zh-CN': '幂等键格式不正确', en: 'Malformed Idempotency-Key' },
  },
  'outbound-url-refused': {
    status: 422,
    title: {
      'zh-CN': '该地址不可访问：只允许公网地址（内部主机需列入 OUTBOUND_ALLOW_HOSTS）',
      en: 'This address may not be reached: only public addresses (name internal hosts in OUTBOUND_ALLOW_HOSTS)',
    },
  },
  validation: { status: 422, title: { 'zh-CN': '请求内容不合法', en: 'The request is invalid' } },
  'import-file-invalid': {
    status: 422,
    title: { 'zh-CN': '无法导入该文件', en: 'The file cannot be imported' },
  },
  'import-running': {
    status: 409,
    title: { 'zh-CN': '该导入正在进行中', en: 'The import is running' },
  },
  'import-done': {
    status: 409,
    title: { 'zh-CN': '该导入已完成', en: 'The import has already run' },
  },
  'import-not-running': {
    status: 409,
    title: { 'zh-CN': '该导入未在进行中', en: 'The import is not running' },
  },
  'submission-reviewed': {
    status: 409,
    title: { 'zh-CN': '该提交已审核过', en: 'The submission has already been reviewed' },
  },
  'invalid-input': {
    status: 422,
    title: { 'zh-CN': '请求内容不合法', en: 'The request is invalid' },
  },
  'invalid-text': {
    status: 422,
    title: {
      'zh-CN': '文本包含无法保存的字符（空字符或不成对的代理项）',
      en: 'The text holds characters that cannot be stored (NUL or unpaired surrogates)',
    },
  },
  'migration-invalid': {
    status: 422,
    title: { 'zh-CN': '迁移设置不正确', en: 'The migration is not valid' },
  },
  'malformed-json': {
    status: 400,
    title: { 'zh-CN': '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  },
  'payload-too-large': {
    status: 413,
    title: { 'zh-CN': '请求体过大', en: 'The request body is too large' },
  },
  'csrf-rejected': {
    status: 403,
    title: { 'zh-CN': '跨站请求被拒绝', en: 'Cross-site request rejected' },
  },
  'test-clock-off': {
    status: 404,
    title: { 'zh-CN': '测试时钟未启用', en: 'The test clock is not enabled' },
  },
  'bad-request': { status: 400, title: { 'zh-CN': '请求错误', en: 'Bad request' } },
  'method-not-allowed': {
    status: 405,
    title: { 'zh-CN': '不支持的请求方法', en: 'Method not allowed' },
  },
  'customer-taken': {
    status: 409,
    title: {
      'zh-CN': '该客户已由其他销售负责（撞单）',
      en: 'Another rep owns this customer',
    },
  },
  'customer-claimed': {
    status: 409,
    title: { 'zh-CN': '该客户已被他人领取', en: 'Someone else claimed this customer first' },
  },
  'customer-not-in-pool': {
    status: 409,
    title: { 'zh-CN': '该客户不在公海中', en: 'This customer is not in the public pool' },
  },
  'claim-limit-reached': {
    status: 409,
    title: { 'zh-CN': '今日领取数量已达上限', en: 'You reached today’s claim limit' },
  },
  'holding-cap-reached': {
    status: 409,
    title: { 'zh-CN': '持有客户数量已达上限', en: 'You hold as many customers as allowed' },
  },
  'claim-cool-down': {
    status: 409,
    title: {
      'zh-CN': '冷却期内不能重新领取你退回的客户',
      en: 'You released this customer recently and cannot claim it again yet',
    },
  },
  'customer-merged': {
    status: 409,
    title: { 'zh-CN': '该客户已被合并', en: 'This customer was merged into another' },
  },
  'merge-not-undoable': {
    status: 409,
    title: { 'zh-CN': '此合并无法撤销', en: 'This merge cannot be undone' },
  },
  internal: { status: 500, title: { 'zh-CN': '服务器内部错误', en: 'Internal server error' } },
} satisfies Record<ProblemCode, ProblemSpec>;

export const PROBLEM_BASE = 'https://closeloop.dev/problems/';

/** Every problem code the server can answer with, for docs and tests. */
export const PROBLEM_CODES = Object.keys(SPECS) as ProblemCode[];

export function statusOf(code: ProblemCode): ContentfulStatusCode {
  return SPECS[code].status;
}

/** Accept-Language decides; the signed-in user's setting is the fallback; zh-CN the default. */
export function localeOf(c: Context): Locale {
  const header = c.req.header('accept-language');
  if (header) {
    const ranked = header
      .split(',')
      .map((part) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.find((p) => p.trim().startsWith('q='));
        return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
      })
      .filter((x) => x.tag.startsWith('zh') || x.tag.startsWith('en'))
      .sort((a, b) => b.q - a.q);
    const first = ranked[0];
    if (first) return first.tag.startsWith('zh') ? 'zh-CN' : 'en';
  }
  const user = c.get('user');
  return user?.locale ?? 'zh-CN';
}

export type ProblemBody = {
  type: string;
  code: ProblemCode;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: Array<{ path?: string; code?: string; message: string; fields?: string[] }>;
  [k: string]: unknown;
};

function localize(m: LocalizedText | string, locale: Locale): string {
  return typeof m === 'string' ? m : m[locale];
}

export function problemBody(
  c: Context,
  code: ProblemCode,
  detail: string,
  extras: ErrorDetail = {},
): ProblemBody {
  const locale = localeOf(c);
  const spec: ProblemSpec = SPECS[code];
  const body: ProblemBody = {
    type: PROBLEM_BASE + code,
    code,
    title: spec.title[locale],
    status: spec.status,
    detail,
    instance: c.get('requestId'),
  };
  if (extras.errors) {
    body.errors = extras.errors.map((e) => ({ ...e, message: localize(e.message, locale) }));
  }
  if (extras.extra) Object.assign(body, extras.extra);
  return body;
}

export function problemResponse(body: ProblemBody): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  });
}

export function problem(
  c: Context,
  code: ProblemCode,
  detail: string,
  extras?: Parameters<typeof problemBody>[3],
): Response {
  return problemResponse(problemBody(c, code, detail, extras));
}

/** The app's one error handler. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    const res = problem(c, err.code, err.message, err.detail);
    const retryAfter = err.detail.extra?.retryAfter;
    if (typeof retryAfter === 'number') res.headers.set('retry-after', String(retryAfter));
    return res;
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400 && /json/i.test(err.message)) {
      return problem(c, 'malformed-json', err.message);
    }
    if (status === 413) return problem(c, 'payload-too-large', err.message);
    if (status === 401) return problem(c, 'unauthenticated', err.message);
    const body = problemBody(c, 'bad-request', err.message || 'bad request');
    body.status = status;
    return problemResponse(body);
  }
  const dbError = databaseErrorOf(err);
  // a value the database refused as data (bad encoding, out-of-range date or number) is the
  // caller's input, whatever route let it through: 422, not 500
  if (dbError?.code.startsWith('22')) {
    return problem(c, 'invalid-input', 'the database refused a value in the request', {
      extra: { dbCode: dbError.code },
    });
  }
  const where = `[${c.get('requestId') ?? '-'}] ${c.req.method} ${c.req.path}`;
  // never the statement's parameters: they hold SOP documents and customers' personal data
  if (dbError) console.error(where, `database error ${dbError.code}: ${dbError.message}`);
  else console.error(where, err);
  return problem(c, 'internal', 'something went wrong; the request id identifies it in the log');
}

/**
 * The Postgres error inside `err` (postgres.js and PGlite both carry a SQLSTATE `code`,
 * drizzle wraps it as `cause`), with only its code and message: never parameters or detail.
 */
export function databaseErrorOf(err: unknown): { code: string; message: string } | null {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      // values the database quotes back (`value "…" is out of range`, `invalid input syntax
      // for type json: …`) may be personal data; names of tables, columns and types are not
      const text =
        typeof message === 'string'
          ? message
              .replace(/:[\s\S]*$/, ': …')
              .replace(
                /(?<!\b(?:constraint|relation|column|table|type|index|encoding|function|schema) )"[^"]*"/g,
                '"…"',
              )
          : '';
      return { code, message: text.slice(0, 300) };
    }
    e = cause;
  }
  return null;
}
