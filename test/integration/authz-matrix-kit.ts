/**
 * The authorization matrix's vocabulary: the fixture each rule names, a rule's shape, the
 * role sets and what each API token scope reaches (authz-matrix.test.ts runs it).
 */
import type { Role } from '@closeloop/engine';

export type Fx = {
  sopId: string;
  /** A sales record owned by rep1 (rep3, in marketing, may not touch it). */
  recordId: string;
  handRecordId: string;
  rep1Id: string;
  rep2Id: string;
  victimId: string;
  /** Pending invitations: one to resend, one the matrix may revoke. */
  inviteId: string;
  spareInviteId: string;
  notificationId: string;
  templateId: string;
  /** An API token of this workspace that only admins may revoke. */
  apiTokenId: string;
  /** rep1's training assignment of the SOP and their practice run (rep3 may not touch them). */
  assignmentId: string;
  sessionId: string;
  /** rep1's customer (of recordId) and a customer in the public pool. */
  customerId: string;
  poolCustomerId: string;
  /** rep1's import (rep3 may not see it) and a lead form with its public key. */
  importId: string;
  formId: string;
  formKey: string;
  /** A form submission held and then discarded: a second review answers 409. */
  heldId: string;
  /** A workspace-wide chat channel (managers may not touch it) and a second one to delete. */
  channelId: string;
  spareChannelId: string;
  /** A webhook endpoint with one queued test delivery, and one the matrix may delete. */
  webhookId: string;
  webhookDeliveryId: string;
  webhookDeleteId: string;
  n: () => number;
};

export type Call = { method: string; path: string; body?: unknown };

export type Rule = {
  call: (fx: Fx) => Call;
  /** Roles allowed against the fixture; `all` for every role. */
  roles: Role[] | 'all';
  /** No sign-in needed. */
  public?: boolean;
  /** Names an object of this workspace: another workspace gets 403/404. */
  scoped?: boolean;
  /**
   * rep3 is denied this object although reps may use the operation: a record of another team,
   * or another person's training.
   */
  teamBound?: boolean;
  /** Called only as nobody (long-lived, or ends the caller's session). */
  anonOnly?: boolean;
  /** Statuses another workspace may also get (e.g. 422 for a team slug both workspaces have). */
  foreignOk?: number[];
};

export const ALL: Role[] = ['admin', 'manager', 'trainer', 'rep'];
export const WORKERS: Role[] = ['admin', 'manager', 'rep'];
export const EDITORS: Role[] = ['admin', 'manager', 'trainer'];
export const BOSSES: Role[] = ['admin', 'manager'];
export const get = (path: string): Call => ({ method: 'GET', path });
export const post = (path: string, body: unknown = {}): Call => ({ method: 'POST', path, body });

export const csvUpload = (sopId: string) => {
  const form = new FormData();
  form.set('file', new File([`公司,手机\n矩阵测试,13800138000\n`], 'matrix.csv'));
  form.set('sopId', sopId);
  return form;
};
export const formBody = (sopId: string) => ({
  sopId,
  title: { 'zh-CN': '矩阵表单', en: 'Matrix form' },
  fields: [{ field: 'company', label: { 'zh-CN': '公司', en: 'Company' }, required: false }],
  source: 'matrix',
  thankYou: { 'zh-CN': '谢谢', en: 'Thanks' },
});

export type TokenScope = 'read' | 'write' | 'intake';
export const SCOPES: TokenScope[] = ['read', 'write', 'intake'];
/** What each token scope reaches; every other operation answers 403 token-scope. */
export const TOKEN_READS = [
  'health',
  'liveness',
  'listRecords',
  'getRecord',
  'listRecordEvents',
  'findDuplicates',
  'listCustomers',
  'getCustomer',
  'listSops',
  'getSop',
  'listSopVersions',
  'getSopVersion',
];
export const TOKEN_ALLOWED: Record<TokenScope, string[]> = {
  read: TOKEN_READS,
  write: [
    ...TOKEN_READS,
    'createRecord',
    'performAction',
    'updateRecordFields',
    'reassignRecord',
    'closeRecord',
    'reopenRecord',
  ],
  intake: ['health', 'liveness', 'createRecord', 'findDuplicates', 'intakeLead', 'intakePush'],
};

/** A robot URL nothing listens on: a test message answers `unreachable` at once. */
export const DEAD_ROBOT = 'http://127.0.0.1:9/robot/send?access_token=matrix';
