/**
 * Authorization matrix: every operationId in the OpenAPI document is called as
 * nobody, as a deactivated user, as an admin of another workspace, as each role and as an
 * API token of each scope (and another workspace's token), against objects each may and may
 * not touch. Denied calls answer 401/403/404 and change nothing;
 * another workspace never sees this one's data. An operation without a rule fails the test.
 */
import { DEFAULT_POOL_RULES, type Role } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  Client,
  type Json,
  LANES,
  makeWorkspace,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

type Fx = {
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

type Call = { method: string; path: string; body?: unknown };

type Rule = {
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

const ALL: Role[] = ['admin', 'manager', 'trainer', 'rep'];
const WORKERS: Role[] = ['admin', 'manager', 'rep'];
const EDITORS: Role[] = ['admin', 'manager', 'trainer'];
const BOSSES: Role[] = ['admin', 'manager'];
const get = (path: string): Call => ({ method: 'GET', path });
const post = (path: string, body: unknown = {}): Call => ({ method: 'POST', path, body });

const csvUpload = (sopId: string) => {
  const form = new FormData();
  form.set('file', new File([`公司,手机\n矩阵测试,13800138000\n`], 'matrix.csv'));
  form.set('sopId', sopId);
  return form;
};
const formBody = (sopId: string) => ({
  sopId,
  title: { 'zh-CN': '矩阵表单', en: 'Matrix form' },
  fields: [{ field: 'company', label: { 'zh-CN': '公司', en: 'Company' }, required: false }],
  source: 'matrix',
  thankYou: { 'zh-CN': '谢谢', en: 'Thanks' },
});

type TokenScope = 'read' | 'write' | 'intake';
const SCOPES: TokenScope[] = ['read', 'write', 'intake'];
/** What each token scope reaches; every other operation answers 403 token-scope. */
const TOKEN_READS = [
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
const TOKEN_ALLOWED: Record<TokenScope, string[]> = {
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
const DEAD_ROBOT = 'http://127.0.0.1:9/robot/send?access_token=matrix';

const RULES: Record<string, Rule> = {
  createChannel: {
    roles: ['admin'],
    call: (fx) =>
      post('/api/admin/channels', { kind: 'dingtalk', name: `m-${fx.n()}`, url: DEAD_ROBOT }),
  },
  listChannels: { roles: BOSSES, call: () => get('/api/admin/channels') },
  updateChannel: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({
      method: 'PATCH',
      path: `/api/admin/channels/${fx.channelId}`,
      body: { name: 'Matrix' },
    }),
  },
  // the spare channel: the one allowed call deletes it
  deleteChannel: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({ method: 'DELETE', path: `/api/admin/channels/${fx.spareChannelId}` }),
  },
  testChannel: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/admin/channels/${fx.channelId}/test`),
  },
  listNotificationRules: { roles: BOSSES, call: () => get('/api/admin/notification-rules') },
  // an empty list: allowed callers replace the rules they manage with none
  updateNotificationRules: {
    roles: BOSSES,
    call: () => ({ method: 'PUT', path: '/api/admin/notification-rules', body: { rules: [] } }),
  },
  login: {
    public: true,
    anonOnly: true,
    roles: 'all',
    call: () => post('/api/auth/login', { email: 'nobody@it.test', password: 'wrong' }),
  },
  logout: { public: true, anonOnly: true, roles: 'all', call: () => post('/api/auth/logout') },
  me: { roles: 'all', call: () => get('/api/me') },
  health: { public: true, roles: 'all', call: () => get('/api/health') },
  liveness: { public: true, roles: 'all', call: () => get('/api/health/live') },
  acceptInvite: {
    public: true,
    roles: 'all',
    call: () => post('/api/invites/accept', { token: 'x.bogus-token', password: 'long-pass-1' }),
  },
  inviteUser: {
    roles: ['admin'],
    call: (fx) =>
      post('/api/invites', { email: `inv-${fx.n()}@it.test`, name: 'Inv', role: 'rep' }),
  },
  listInvites: { roles: ['admin'], call: () => get('/api/invites') },
  // the resend gives the invitation a new id: the one allowed call is the last to use it
  resendInvite: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/invites/${fx.inviteId}/resend`),
  },
  revokeInvite: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({ method: 'DELETE', path: `/api/invites/${fx.spareInviteId}` }),
  },
  updateUser: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({ method: 'PATCH', path: `/api/users/${fx.rep2Id}`, body: { name: 'Rep Two' } }),
  },
  deactivateUser: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/users/${fx.victimId}/deactivate`, {}),
  },
  createTeam: {
    roles: ['admin'],
    call: (fx) => post('/api/teams', { id: `t-${fx.n()}`, name: 'T' }),
  },
  updateTeam: {
    roles: BOSSES,
    scoped: true,
    // both workspaces have a team `sales`: the other one's admin may not name our users in it
    foreignOk: [422],
    call: (fx) => ({
      method: 'PATCH',
      path: '/api/teams/sales',
      body: { members: [{ userId: fx.rep1Id }, { userId: fx.rep2Id }] },
    }),
  },
  getTeam: {
    roles: BOSSES,
    scoped: true,
    // both workspaces have a team `sales`: the other admin reads their own (the leak check
    // below proves it holds none of ours)
    foreignOk: [200],
    call: () => get('/api/admin/teams/sales'),
  },
  handoverRecords: {
    roles: BOSSES,
    scoped: true,
    call: (fx) =>
      post('/api/handovers', { recordIds: [fx.handRecordId], toUserId: fx.rep2Id, reason: 'm' }),
  },
  listNextActions: { roles: 'all', call: () => get('/api/next-actions') },
  listNotifications: { roles: 'all', call: () => get('/api/notifications') },
  markNotificationRead: {
    roles: ['rep'],
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/notifications/${fx.notificationId}/read`, {}),
  },
  listUsers: { roles: 'all', call: () => get('/api/users') },
  listTeams: { roles: 'all', call: () => get('/api/teams') },
  stream: { roles: 'all', anonOnly: true, call: () => get('/api/stream') },
  advanceTestClock: {
    roles: 'all',
    anonOnly: true,
    call: () => post('/api/test-clock', { advanceMs: 0 }),
  },
  createRecord: {
    roles: WORKERS,
    call: (fx) => post('/api/records', { sopId: fx.sopId, fields: { company: 'Matrix' } }),
  },
  listRecords: { roles: WORKERS, call: () => get('/api/records') },
  getRecord: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/records/${fx.recordId}`),
  },
  listRecordEvents: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/records/${fx.recordId}/events`),
  },
  // version 999 never matches: allowed callers get 409 and nothing is written
  performAction: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/records/${fx.recordId}/actions`, { action: 'LOSE', version: 999 }),
  },
  updateRecordFields: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => ({
      method: 'PATCH',
      path: `/api/records/${fx.recordId}/fields`,
      body: { fields: { company: 'Changed' }, version: 999 },
    }),
  },
  reassignRecord: {
    roles: BOSSES,
    scoped: true,
    call: (fx) =>
      post(`/api/records/${fx.recordId}/reassign`, { toUserId: fx.rep2Id, version: 999 }),
  },
  closeRecord: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/records/${fx.recordId}/close`, { reason: 'x', version: 999 }),
  },
  reopenRecord: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => post(`/api/records/${fx.recordId}/reopen`, { version: 999 }),
  },
  overrideGate: {
    roles: ['admin'],
    scoped: true,
    call: (fx) =>
      post(`/api/records/${fx.recordId}/override`, { action: 'WIN', reason: 'x', version: 999 }),
  },
  findDuplicates: { roles: WORKERS, call: () => get('/api/duplicates?company=Matrix') },
  getWorkspaceTime: { roles: 'all', call: () => get('/api/workspace-time') },
  // every role reads the list; its record counts cover only what the caller may see (below)
  listSops: { roles: 'all', call: () => get('/api/sops') },
  // the draft is for authors; reps read published versions
  getSop: { roles: EDITORS, scoped: true, call: (fx) => get(`/api/sops/${fx.sopId}`) },
  createSop: {
    roles: EDITORS,
    call: (fx) => post('/api/sops', { doc: testSop(`m-${fx.n()}`) }),
  },
  updateSopDraft: {
    roles: EDITORS,
    scoped: true,
    call: (fx) => ({
      method: 'PUT',
      path: `/api/sops/${fx.sopId}/draft`,
      body: { doc: testSop(fx.sopId) },
    }),
  },
  // validates the document in the body; another workspace learns nothing of ours
  validateSop: {
    roles: EDITORS,
    call: (fx) => post(`/api/sops/${fx.sopId}/validate`, { doc: testSop(fx.sopId) }),
  },
  publishSop: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => post(`/api/sops/${fx.sopId}/publish`, { note: 'matrix' }),
  },
  listSopVersions: {
    roles: 'all',
    scoped: true,
    call: (fx) => get(`/api/sops/${fx.sopId}/versions`),
  },
  // reps read the published versions their records and training follow
  getSopVersion: {
    roles: 'all',
    scoped: true,
    call: (fx) => get(`/api/sops/${fx.sopId}/versions/1`),
  },
  // a dry run from version 1 to 2: allowed callers get the plan, nothing moves
  migrateRecords: {
    roles: BOSSES,
    scoped: true,
    call: (fx) =>
      post(`/api/sops/${fx.sopId}/migrate`, { fromVersion: 1, toVersion: 2, dryRun: true }),
  },
  // the library (templates and published SOPs) is for everyone; drafts from it for authors
  listLibrary: { roles: 'all', call: () => get('/api/library') },
  getLibraryTemplate: {
    roles: 'all',
    call: (fx) => get(`/api/library/templates/${fx.templateId}`),
  },
  getLibrarySop: {
    roles: 'all',
    scoped: true,
    call: (fx) => get(`/api/library/sops/${fx.sopId}`),
  },
  createDraftFromTemplate: {
    roles: EDITORS,
    call: (fx) =>
      post(`/api/library/templates/${fx.templateId}/drafts`, { sopId: `lib-${fx.n()}` }),
  },
  // trainers, managers and admins assign training and follow everyone's; a rep their own;
  // practice and the quiz are the assignee's alone (stale version or attempt: 409, no write)
  assignTraining: {
    roles: EDITORS,
    scoped: true,
    call: (fx) => post('/api/training/assignments', { sopId: fx.sopId, userIds: [fx.rep1Id] }),
  },
  listTrainingAssignments: { roles: 'all', call: () => get('/api/training/assignments') },
  getTrainingAssignment: {
    roles: 'all',
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/training/assignments/${fx.assignmentId}`),
  },
  startPractice: {
    roles: ['rep'],
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/training/assignments/${fx.assignmentId}/practice`, {}),
  },
  performPracticeAction: {
    roles: ['rep'],
    scoped: true,
    teamBound: true,
    call: (fx) =>
      post(`/api/training/practice/${fx.sessionId}/commands`, {
        version: 999,
        command: { type: 'perform', action: 'LOSE' },
      }),
  },
  getQuiz: {
    roles: ['rep'],
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/training/assignments/${fx.assignmentId}/quiz`),
  },
  submitQuiz: {
    roles: ['rep'],
    scoped: true,
    teamBound: true,
    call: (fx) =>
      post(`/api/training/assignments/${fx.assignmentId}/quiz`, { attempt: 999, answers: {} }),
  },
  getFunnel: { roles: BOSSES, call: (fx) => get(`/api/reports/funnel?sopId=${fx.sopId}`) },
  getStageTimes: { roles: BOSSES, call: (fx) => get(`/api/reports/stage-times?sopId=${fx.sopId}`) },
  getBreaches: { roles: BOSSES, call: (fx) => get(`/api/reports/breaches?sopId=${fx.sopId}`) },
  getWorkload: { roles: BOSSES, call: (fx) => get(`/api/reports/workload?sopId=${fx.sopId}`) },
  getOutcomes: { roles: BOSSES, call: (fx) => get(`/api/reports/outcomes?sopId=${fx.sopId}`) },
  getTrends: { roles: BOSSES, call: (fx) => get(`/api/reports/trends?sopId=${fx.sopId}`) },
  getBottleneckMap: {
    roles: BOSSES,
    call: (fx) => get(`/api/reports/bottleneck-map?sopId=${fx.sopId}`),
  },
  exportReport: {
    roles: BOSSES,
    call: (fx) => get(`/api/reports/funnel/export?sopId=${fx.sopId}`),
  },
  createApiToken: {
    roles: ['admin'],
    call: (fx) => post('/api/admin/tokens', { name: `m-${fx.n()}`, scopes: ['read'] }),
  },
  listApiTokens: { roles: ['admin'], call: () => get('/api/admin/tokens') },
  revokeApiToken: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/admin/tokens/${fx.apiTokenId}/revoke`),
  },
  listAuditLog: { roles: ['admin'], call: () => get('/api/admin/audit') },
  createWebhookEndpoint: {
    roles: ['admin'],
    call: (fx) => post('/api/admin/webhooks', { url: `https://93.184.216.34/m-${fx.n()}` }),
  },
  listWebhookEndpoints: { roles: ['admin'], call: () => get('/api/admin/webhooks') },
  updateWebhookEndpoint: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({
      method: 'PATCH',
      path: `/api/admin/webhooks/${fx.webhookId}`,
      body: { description: 'matrix' },
    }),
  },
  rotateWebhookSecret: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/admin/webhooks/${fx.webhookId}/rotate-secret`),
  },
  deleteWebhookEndpoint: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => ({ method: 'DELETE', path: `/api/admin/webhooks/${fx.webhookDeleteId}` }),
  },
  listWebhookDeliveries: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => get(`/api/admin/webhooks/${fx.webhookId}/deliveries`),
  },
  resendWebhookDelivery: {
    roles: ['admin'],
    scoped: true,
    call: (fx) =>
      post(`/api/admin/webhooks/${fx.webhookId}/deliveries/${fx.webhookDeliveryId}/resend`),
  },
  replayWebhookDeliveries: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/admin/webhooks/${fx.webhookId}/replay`, { since: 0 }),
  },
  sendTestWebhook: {
    roles: ['admin'],
    scoped: true,
    call: (fx) => post(`/api/admin/webhooks/${fx.webhookId}/test`),
  },
  listCustomers: { roles: WORKERS, call: () => get('/api/customers') },
  getCustomer: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/customers/${fx.customerId}`),
  },
  // version 999 never matches: allowed callers get 409 and nothing is written
  updateCustomer: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => ({
      method: 'PATCH',
      path: `/api/customers/${fx.customerId}`,
      body: { version: 999, name: 'Changed' },
    }),
  },
  listDuplicateCustomers: { roles: BOSSES, call: () => get('/api/customers/duplicates') },
  // a dry run: the plan, nothing moves
  mergeCustomers: {
    roles: BOSSES,
    scoped: true,
    call: (fx) =>
      post('/api/customers/merge', {
        customerIds: [fx.customerId, fx.poolCustomerId],
        dryRun: true,
      }),
  },
  // nothing was merged: allowed callers get 409
  unmergeCustomer: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => post(`/api/customers/${fx.customerId}/unmerge`),
  },
  // any rep may ask about a customer they were refused (that is the point)
  requestCustomerAccess: {
    roles: WORKERS,
    scoped: true,
    call: (fx) => post(`/api/customers/${fx.customerId}/access-requests`, { to: 'owner' }),
  },
  // rep1 owns it (200, unchanged); anyone else finds it taken (409)
  claimCustomer: {
    roles: WORKERS,
    scoped: true,
    call: (fx) => post(`/api/customers/${fx.customerId}/claim`),
  },
  // already in the pool: allowed callers get 409
  releaseCustomer: {
    roles: WORKERS,
    scoped: true,
    call: (fx) => post(`/api/customers/${fx.poolCustomerId}/release`, {}),
  },
  // imports: managers, admins and reps (a rep sees only their own); a dry run writes nothing
  createImport: {
    roles: WORKERS,
    call: (fx) => ({ method: 'POST', path: '/api/imports', body: csvUpload(fx.sopId) }),
  },
  listImports: { roles: WORKERS, call: () => get('/api/imports') },
  getImport: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/imports/${fx.importId}`),
  },
  previewImport: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/imports/${fx.importId}/preview`, {}),
  },
  runImport: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/imports/${fx.importId}/run`, { dryRun: true }),
  },
  // nothing is running: allowed callers get 409
  cancelImport: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => post(`/api/imports/${fx.importId}/cancel`),
  },
  getImportErrors: {
    roles: WORKERS,
    scoped: true,
    teamBound: true,
    call: (fx) => get(`/api/imports/${fx.importId}/errors`),
  },
  // leads posted by managers or an intake token; an SOP that does not exist: 404 for no one
  // allowed, so the call names the fixture's SOP and a fresh external id each time
  intakeLead: {
    roles: BOSSES,
    call: (fx) =>
      post('/api/intake/leads', {
        sopId: fx.sopId,
        source: 'matrix',
        externalId: `mx-${fx.n()}`,
        fields: { company: `Matrix lead ${fx.n()}` },
      }),
  },
  intakePush: {
    roles: BOSSES,
    call: (fx) =>
      post(`/api/intake/push/tencent?sopId=${fx.sopId}`, {
        leads_id: `mx-${fx.n()}`,
        leads_name: 'Matrix',
        leads_telephone: '13800138000',
      }),
  },
  createForm: {
    roles: BOSSES,
    call: (fx) => post('/api/forms', formBody(fx.sopId)),
  },
  listForms: { roles: BOSSES, call: () => get('/api/forms') },
  updateForm: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => ({
      method: 'PATCH',
      path: `/api/forms/${fx.formId}`,
      body: { source: 'matrix' },
    }),
  },
  // public: an empty submission is refused as data (422), never as a caller
  submitForm: {
    public: true,
    roles: 'all',
    call: (fx) => post(`/api/public/forms/${fx.formKey}/submissions`, { values: {} }),
  },
  // the review queue: a submission that does not exist answers 404 to everyone; the held one
  // of the fixture is approved and discarded in intake-review.test.ts
  listHeldSubmissions: { roles: BOSSES, call: () => get('/api/form-submissions') },
  approveSubmission: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => post(`/api/form-submissions/${fx.heldId}/approve`),
  },
  discardSubmission: {
    roles: BOSSES,
    scoped: true,
    call: (fx) => post(`/api/form-submissions/${fx.heldId}/discard`),
  },
  getIntakeSettings: { roles: 'all', call: () => get('/api/intake/settings') },
  // the same value again: allowed callers change nothing
  updateIntakeSettings: {
    roles: ['admin'],
    call: () => ({ method: 'PATCH', path: '/api/intake/settings', body: { repsMayImport: true } }),
  },
  getSourceFunnel: { roles: BOSSES, call: () => get('/api/reports/sources') },
  listPoolCustomers: { roles: WORKERS, call: () => get('/api/pool/customers') },
  listPools: { roles: WORKERS, call: () => get('/api/pools') },
  // both workspaces have a team `sales`: the other admin sets their own team's rules
  updatePool: {
    roles: BOSSES,
    scoped: true,
    foreignOk: [200],
    call: () => ({
      method: 'PUT',
      path: '/api/pools/team:sales',
      body: {
        rules: DEFAULT_POOL_RULES,
      },
    }),
  },
};

const DENIED = [401, 403, 404];

/** A submission sent too fast is held; the admin discards it, so every later review is a 409. */
async function heldAndDiscarded(admin: Client, formKey: string): Promise<string> {
  const sent = await new Client(admin.base).post(`/api/public/forms/${formKey}/submissions`, {
    values: { company: 'held' },
  });
  expect(sent.body.status, JSON.stringify(sent.body)).toBe('held');
  const held = await admin.get('/api/form-submissions');
  const id = String(held.body.items[0].id);
  expect((await admin.post(`/api/form-submissions/${id}/discard`)).status).toBe(200);
  return id;
}

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`authorization matrix on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let other: Awaited<ReturnType<typeof makeWorkspace>>;
    const clients: Partial<Record<Role | 'rep3' | 'inactive' | 'foreign', Client>> = {};
    /** API tokens of this workspace by scope, and a write token of the other workspace. */
    const tokens: Partial<Record<TokenScope | 'foreign', Client>> = {};
    let fx: Fx;
    let ops: Array<{ id: string; method: string; path: string }> = [];

    const fingerprint = async () => {
      const rows = await srv.db.query(
        `select
          (select md5(coalesce(string_agg(id || ':' || version || ':' || coalesce(owner_id, '') || ':' || status, ',' order by id), ''))
             from records where workspace_id = $1) as records,
          (select count(*)::int from record_events where workspace_id = $1) as events,
          (select md5(coalesce(string_agg(id || ':' || draft_updated_at::text || ':' || coalesce(published_version, 0), ',' order by id), ''))
             from sops where workspace_id = $1) as sops,
          (select count(*)::int from sop_versions where workspace_id = $1) as versions,
          (select md5(coalesce(string_agg(id || ':' || name || ':' || shared || ':' || rr_cursor, ',' order by id), ''))
             from teams where workspace_id = $1) as teams,
          (select md5(coalesce(string_agg(team_id || ':' || user_id || ':' || role || ':' || weight, ',' order by team_id, user_id), ''))
             from memberships where workspace_id = $1) as memberships,
          (select md5(coalesce(string_agg(id || ':' || role || ':' || name || ':' || locale || ':' || active, ',' order by id), ''))
             from users where workspace_id = $1) as users,
          (select count(*)::int from invites where workspace_id = $1) as invites,
          (select count(*)::int from notifications where workspace_id = $1 and read_at is null) as unread,
          (select count(*)::int from timers where workspace_id = $1) as timers,
          (select md5(coalesce(string_agg(id || ':' || user_id || ':' || sop_version || ':' || coalesce(due_at::text, '') || ':' || walked_paths::text || ':' || quiz_attempts, ',' order by id), ''))
             from training_assignments where workspace_id = $1) as training,
          (select md5(coalesce(string_agg(id || ':' || version || ':' || status, ',' order by id), ''))
             from practice_sessions where workspace_id = $1) as practice,
          (select count(*)::int from quiz_attempts where workspace_id = $1) as quiz,
          (select clock_offset_ms::float8 from workspaces where id = $1) as clock,
          (select md5(coalesce(string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' order by id), ''))
             from api_tokens where workspace_id = $1) as tokens,
          (select md5(coalesce(string_agg(id || ':' || secret || ':' || description || ':' || enabled, ',' order by id), ''))
             from webhook_endpoints where workspace_id = $1) as webhooks,
          (select md5(coalesce(string_agg(id || ':' || status || ':' || next_attempt_at::text, ',' order by id), ''))
             from deliveries where workspace_id = $1) as deliveries,
          (select count(*)::int from audit_log where workspace_id = $1) as audit`,
        [ws.id],
      );
      return rows[0];
    };

    const send = (c: Client, call: Call) => c.req(call.method, call.path, call.body);

    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, { people: [] }));
      other = await makeWorkspace(srv.db);
      const login = (who: string) => as(srv.url, ws.email(who));
      const [admin, manager, trainer, rep1, rep3, foreign] = await Promise.all([
        login('admin'),
        login('manager'),
        login('trainer'),
        login('rep1'),
        login('rep3'),
        as(srv.url, other.email('admin')),
      ]);
      Object.assign(clients, { admin, manager, trainer, rep: rep1, rep3, foreign });
      const sopId = `it-mx-${crypto.randomUUID().slice(0, 6)}`;
      await publish(admin, testSop(sopId));
      const rec = await admin.post('/api/records', {
        sopId,
        fields: { company: 'Matrix' },
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      const hand = await admin.post('/api/records', {
        sopId,
        fields: {},
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      // reps import only where an admin allows it
      const allowed = await admin.patch('/api/intake/settings', { repsMayImport: true });
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
      const imported = await rep1.req('POST', '/api/imports', csvUpload(sopId));
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const form = await admin.post('/api/forms', formBody(sopId));
      expect(form.status, JSON.stringify(form.body)).toBe(201);
      const released = await admin.post(`/api/customers/${hand.body.customer.id}/release`, {});
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      // a second version for migrateRecords to plan a move to
      await publish(admin, { ...testSop(sopId), name: { 'zh-CN': '第二版', en: 'Second' } });
      const assigned = await admin.post('/api/training/assignments', {
        sopId,
        userIds: [ws.userId('rep1')],
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
      const assignmentId = String(assigned.body.items[0].id);
      const practice = await rep1.post(`/api/training/assignments/${assignmentId}/practice`, {});
      expect(practice.status, JSON.stringify(practice.body)).toBe(201);
      // a deactivated user: signs in, is deactivated, keeps their old cookie
      const inv = await admin.post('/api/invites', {
        email: `victim-${crypto.randomUUID().slice(0, 6)}@it.test`,
        name: 'Victim',
        role: 'rep',
      });
      const acc = await new Client(srv.url).post('/api/invites/accept', {
        token: inv.body.token,
        password: 'long-pass-1',
      });
      const inactiveInv = await admin.post('/api/invites', {
        email: `inactive-${crypto.randomUUID().slice(0, 6)}@it.test`,
        name: 'Inactive',
        role: 'admin',
      });
      const inactiveAcc = await new Client(srv.url).post('/api/invites/accept', {
        token: inactiveInv.body.token,
        password: 'long-pass-1',
      });
      const pendingInvite = async () => {
        const email = `pending-${crypto.randomUUID().slice(0, 6)}@it.test`;
        await admin.post('/api/invites', { email, name: 'Pending', role: 'rep' });
        const listed = await admin.get('/api/invites');
        expect(listed.status, JSON.stringify(listed.body)).toBe(200);
        return String((listed.body.items as Json[]).find((i) => i.email === email)?.id);
      };
      const inviteId = await pendingInvite();
      const spareInviteId = await pendingInvite();
      const inactive = new Client(srv.url);
      await inactive.login(inactiveAcc.body.email, 'long-pass-1');
      const cookie = inactive.cookie;
      expect(
        (await admin.post(`/api/users/${inactiveAcc.body.userId}/deactivate`, {})).status,
      ).toBe(200);
      inactive.cookie = cookie;
      clients.inactive = inactive;
      const mint = async (c: Client, scopes: string[]) => {
        const r = await c.post('/api/admin/tokens', { name: `mx-${scopes[0]}`, scopes });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        const t = new Client(srv.url);
        t.bearer = r.body.secret;
        return { client: t, id: String(r.body.token.id) };
      };
      for (const scope of SCOPES) tokens[scope] = (await mint(admin, [scope])).client;
      tokens.foreign = (await mint(foreign, ['write'])).client;
      const apiToken = await mint(admin, ['read']);
      const channel = async () => {
        const r = await admin.post('/api/admin/channels', {
          kind: 'dingtalk',
          name: 'Matrix group',
          url: DEAD_ROBOT,
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return String(r.body.id);
      };
      const channelId = await channel();
      const spareChannelId = await channel();
      // a public address literal: the SSRF guard lets it be saved; nothing is sent (no loop)
      const hook = await admin.post('/api/admin/webhooks', { url: 'https://93.184.216.34/mx' });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      const hookTest = await admin.post(`/api/admin/webhooks/${hook.body.endpoint.id}/test`);
      expect(hookTest.status, JSON.stringify(hookTest.body)).toBe(202);
      const doomed = await admin.post('/api/admin/webhooks', { url: 'https://93.184.216.34/rm' });
      const notes = await rep1.get('/api/notifications');
      const lib = await admin.get('/api/library');
      const templates = (lib.body?.templates ?? lib.body?.items ?? []) as Json[];
      let n = 0;
      fx = {
        sopId,
        recordId: rec.body.record.id,
        handRecordId: hand.body.record.id,
        rep1Id: ws.userId('rep1'),
        rep2Id: ws.userId('rep2'),
        victimId: acc.body.userId,
        inviteId,
        spareInviteId,
        notificationId: notes.body.items?.[0]?.id ?? 'none',
        templateId: String(templates[0]?.id ?? 'none'),
        apiTokenId: apiToken.id,
        assignmentId,
        sessionId: String(practice.body.practice.id),
        customerId: rec.body.customer.id,
        poolCustomerId: hand.body.customer.id,
        importId: String(imported.body.import.id),
        formId: String(form.body.id),
        formKey: String(form.body.key),
        heldId: await heldAndDiscarded(admin, String(form.body.key)),
        channelId,
        spareChannelId,
        webhookId: String(hook.body.endpoint.id),
        webhookDeliveryId: String(hookTest.body.deliveryId),
        webhookDeleteId: String(doomed.body.endpoint.id),
        n: () => ++n,
      };
      const doc = await new Client(srv.url).get('/api/openapi.json');
      ops = Object.entries(
        doc.body.paths as Record<string, Record<string, { operationId: string }>>,
      ).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ id: op.operationId, method, path })),
      );
    }, 600_000);
    afterAll(async () => {
      await srv?.close();
    });

    it('has a rule for every operation in the OpenAPI document', () => {
      expect(ops.length).toBeGreaterThan(40);
      const missing = ops.filter((o) => !RULES[o.id]).map((o) => o.id);
      expect(missing, 'operations without an authorization rule').toEqual([]);
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        const call = rule.call(fx);
        expect(call.method.toLowerCase(), o.id).toBe(o.method);
      }
    });

    // the SOP list and its versions are for every role, but their record counts are live
    // figures: each caller counts only the records they may see (a trainer none)
    it('counts only the records each caller may see in SOP lists', async () => {
      const want: Record<Role | 'rep3', number> = {
        admin: 2,
        manager: 2,
        trainer: 0,
        rep: 2,
        rep3: 0,
      };
      for (const [who, n] of Object.entries(want)) {
        const c = clients[who as Role | 'rep3'] as Client;
        const list = await c.get('/api/sops');
        const item = list.body.items.find((x: Json) => x.sopId === fx.sopId);
        expect([who, item?.recordCount, item?.openCount]).toEqual([who, n, n]);
        const versions = await c.get(`/api/sops/${fx.sopId}/versions`);
        const v1 = versions.body.items.find((x: Json) => x.version === 1);
        expect([who, v1?.recordCount]).toEqual([who, n]);
      }
    });

    it('denies nobody, deactivated users, other workspaces and the wrong roles, and nothing changes', async () => {
      const before = await fingerprint();
      const failures: string[] = [];
      const check = (what: string, status: number, ok: number[]) => {
        if (!ok.includes(status)) failures.push(`${what}: ${status}`);
      };
      const mine = [
        ws.id,
        fx.recordId,
        fx.handRecordId,
        fx.rep1Id,
        fx.rep2Id,
        fx.apiTokenId,
        fx.customerId,
      ];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        if (!rule.public) {
          const anon = await send(new Client(srv.url), rule.call(fx));
          check(`${o.id} as nobody`, anon.status, [401]);
        }
        // tokens reach only their scopes' operations: everything else is 403 token-scope
        // (anonOnly operations too: a bearer never opens a stream, signs in or out)
        for (const scope of SCOPES) {
          if (TOKEN_ALLOWED[scope].includes(o.id)) continue;
          const r = await send(tokens[scope] as Client, rule.call(fx));
          check(`${o.id} as a ${scope} token`, r.status, [403]);
          if (r.body?.code !== 'token-scope')
            failures.push(`${o.id} as a ${scope} token: ${r.body?.code}`);
        }
        if (rule.scoped && TOKEN_ALLOWED.write.includes(o.id)) {
          const r = await send(tokens.foreign as Client, rule.call(fx));
          check(`${o.id} as another workspace's token`, r.status, DENIED);
        }
        if (rule.anonOnly) continue;
        if (!rule.public) {
          const r = await send(clients.inactive as Client, rule.call(fx));
          check(`${o.id} as a deactivated user`, r.status, [401]);
        }
        const foreign = await send(clients.foreign as Client, rule.call(fx));
        if (rule.scoped) {
          check(`${o.id} from another workspace`, foreign.status, [
            ...DENIED,
            ...(rule.foreignOk ?? []),
          ]);
        }
        if (foreign.status < 300) {
          const text = JSON.stringify(foreign.body ?? '');
          for (const id of mine) {
            if (text.includes(id)) failures.push(`${o.id} from another workspace leaks ${id}`);
          }
        }
        if (rule.public) continue;
        const allowed = rule.roles === 'all' ? ALL : rule.roles;
        for (const role of ALL) {
          if (allowed.includes(role)) continue;
          const r = await send(clients[role] as Client, rule.call(fx));
          check(`${o.id} as ${role}`, r.status, DENIED);
        }
        if (rule.teamBound) {
          const r = await send(clients.rep3 as Client, rule.call(fx));
          check(`${o.id} as a rep of another team`, r.status, DENIED);
        }
      }
      expect(failures).toEqual([]);
      expect(await fingerprint()).toEqual(before);
    }, 600_000);

    it('lets the allowed roles through', async () => {
      const failures: string[] = [];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule || rule.anonOnly || rule.public) continue;
        const allowed = rule.roles === 'all' ? ALL : rule.roles;
        for (const role of allowed) {
          const r = await send(clients[role] as Client, rule.call(fx));
          // a 400 means the matrix's own call is malformed: it would prove nothing
          if (DENIED.includes(r.status) || r.status === 400 || r.status >= 500) {
            failures.push(
              `${o.id} as ${role}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    }, 600_000);

    it('lets each token scope through to its operations', async () => {
      const failures: string[] = [];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        for (const scope of SCOPES) {
          if (!TOKEN_ALLOWED[scope].includes(o.id)) continue;
          const r = await send(tokens[scope] as Client, rule.call(fx));
          if (DENIED.includes(r.status) || r.status >= 500) {
            failures.push(
              `${o.id} as a ${scope} token: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
      // every operation a scope names exists, so a renamed route cannot silently drop out
      const ids = new Set(ops.map((o) => o.id));
      expect(
        Object.values(TOKEN_ALLOWED)
          .flat()
          .filter((id) => !ids.has(id)),
      ).toEqual([]);
    }, 600_000);
  });
}
