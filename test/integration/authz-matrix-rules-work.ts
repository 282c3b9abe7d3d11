/** The matrix's rules for sign-in, people, teams, work, records, SOPs, the library and training. */

import { BOSSES, DEAD_ROBOT, EDITORS, get, post, type Rule, WORKERS } from './authz-matrix-kit.ts';
import { testSop } from './harness.ts';

export const PEOPLE_AND_WORK_RULES: Record<string, Rule> = {
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
};
