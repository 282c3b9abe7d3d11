/** The matrix's rules for reports, tokens, webhooks, customers and the pool, imports and intake. */
import { DEFAULT_POOL_RULES } from '@closeloop/engine';
import { BOSSES, csvUpload, formBody, get, post, type Rule, WORKERS } from './authz-matrix-kit.ts';

export const DATA_AND_INTAKE_RULES: Record<string, Rule> = {
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
