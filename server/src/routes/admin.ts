/**
 * Admin and team management: invitations, users, teams and their routing
 * settings, handovers and deactivation.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonBody, ok } from '../http/context.ts';
import { directoryUserShape, LIMITS } from '../http/schemas.ts';
import { defined, verbRoutes } from '../http/verb-route.ts';
import { acceptInvite } from '../services/people/accept-invite.ts';
import { createTeam } from '../services/people/create-team.ts';
import { deactivateUser } from '../services/people/deactivate-user.ts';
import { getTeam } from '../services/people/get-team.ts';
import { handoverRecords } from '../services/people/handover-records.ts';
import { inviteUser } from '../services/people/invite-user.ts';
import { listInvites } from '../services/people/list-invites.ts';
import { resendInvite } from '../services/people/resend-invite.ts';
import { revokeInvite } from '../services/people/revoke-invite.ts';
import { updateTeam } from '../services/people/update-team.ts';
import { updateUser } from '../services/people/update-user.ts';
import type { Router } from './router.ts';

const verbRoute = verbRoutes(['admin']);
const UserId = z.string().min(1).max(200);
const Reason = z.string().trim().min(1).max(LIMITS.reasonChars);

const RoleEnum = z.enum(['admin', 'manager', 'trainer', 'rep']);
const Locale = z.enum(['zh-CN', 'en']);
/** An invitation's id: the hex SHA-256 of its link's secret. */
const InviteId = z.string().regex(/^[0-9a-f]{64}$/, 'an invitation id is 64 hex digits');
const TeamId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-_]*$/, 'a lower-case slug');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const Shift = z
  .object({
    start: HHMM,
    end: HHMM,
    days: z.array(z.number().int().min(1).max(7)).max(7).optional(),
  })
  .openapi('Shift');
const MemberSettings = z
  .object({
    userId: UserId,
    weight: z.number().int().min(0).max(1000).optional(),
    cap: z.number().int().min(0).max(100_000).nullable().optional(),
    leaveFrom: z.iso.datetime({ offset: true }).nullable().optional(),
    leaveUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    shift: Shift.nullable().optional(),
  })
  .openapi('MemberSettings');
const TeamDetail = z
  .object({
    id: z.string(),
    name: z.string(),
    shared: z.boolean(),
    managerIds: z.array(z.string()),
    members: z.array(MemberSettings),
  })
  .openapi('TeamDetail');
const UserSummary = z
  .object({ ...directoryUserShape, mobile: z.string().nullable() })
  .openapi('UserSummary');

const HandOverResult = z
  .object({
    moved: z.array(
      z.object({
        recordId: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        version: z.number().int(),
      }),
    ),
    deactivated: z.boolean(),
  })
  .openapi('HandOverResult');

export function adminRoutes() {
  const r = createRouter();
  registerHandovers(r);
  registerInvites(r);
  registerUserAndTeamSettings(r);
  return r;
}

/** Handing records over and deactivating a user. */
function registerHandovers(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/handovers',
    operationId: 'handoverRecords',
    summary:
      'Hand open records to a named user or by the team rule, in one transaction (manager: their teams; admin: any)',
    request: jsonBody(
      z.object({
        recordIds: z.array(z.string().min(1).max(200)).min(1).max(1000),
        toUserId: UserId.optional(),
        reason: Reason,
      }),
    ),
    responses: { 200: ok(HandOverResult) },
    verb: handoverRecords,
    input: (c) => {
      const body = c.req.valid('json');
      return {
        recordIds: body.recordIds,
        reason: body.reason,
        ...(body.toUserId ? { toUserId: body.toUserId } : {}),
      };
    },
  });

  verbRoute(r, {
    method: 'post',
    path: '/users/{userId}/deactivate',
    operationId: 'deactivateUser',
    summary:
      'Deactivate a user (admin): ends their sessions and hands every open record of theirs over',
    request: {
      params: z.object({ userId: UserId }),
      ...jsonBody(
        z.object({
          handoverTo: z.union([z.literal('team-rule'), z.object({ userId: UserId })]).optional(),
          reason: Reason.optional(),
        }),
      ),
    },
    responses: { 200: ok(HandOverResult) },
    verb: deactivateUser,
    input: (c) => {
      const { userId } = c.req.valid('param');
      const body = c.req.valid('json');
      return {
        userId,
        ...(body.handoverTo ? { handoverTo: body.handoverTo } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
      };
    },
  });
}

/** Invitations: send, list, resend, revoke, accept. */
function registerInvites(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/invites',
    operationId: 'inviteUser',
    summary: 'Invite a person (admin); the one-time link token is shown only in this answer',
    request: jsonBody(
      z.object({
        email: z.email().max(320),
        name: z.string().trim().min(1).max(200),
        role: RoleEnum,
        locale: Locale.optional(),
      }),
    ),
    responses: {
      201: ok(z.object({ token: z.string(), url: z.string(), expiresAt: z.string() }), 'Created'),
    },
    verb: inviteUser,
    input: (c) => defined(c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'get',
    path: '/invites',
    operationId: 'listInvites',
    summary: 'Invitations not yet accepted (admin), newest first; expired ones say so',
    responses: {
      200: ok(
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              email: z.string(),
              name: z.string(),
              role: RoleEnum,
              locale: Locale,
              invitedBy: z.string(),
              createdAt: z.number(),
              expiresAt: z.number(),
              expired: z.boolean(),
            }),
          ),
        }),
      ),
    },
    verb: listInvites,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'post',
    path: '/invites/{inviteId}/resend',
    operationId: 'resendInvite',
    summary:
      'A new one-time link for a pending invitation (admin), valid seven more days; the old link stops working',
    request: { params: z.object({ inviteId: InviteId }) },
    responses: {
      200: ok(
        z.object({ id: z.string(), token: z.string(), url: z.string(), expiresAt: z.string() }),
      ),
    },
    verb: resendInvite,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'delete',
    path: '/invites/{inviteId}',
    operationId: 'revokeInvite',
    summary: 'Withdraw a pending invitation (admin); its link stops working',
    request: { params: z.object({ inviteId: InviteId }) },
    responses: {
      200: ok(z.object({ revoked: z.literal(true) })),
    },
    verb: revokeInvite,
    input: (c) => c.req.valid('param'),
  });

  r.openapi(
    createRoute({
      method: 'post',
      path: '/invites/accept',
      operationId: 'acceptInvite',
      tags: ['admin'],
      summary: 'Accept an invitation with a new password (no sign-in needed; the link works once)',
      security: [],
      request: jsonBody(
        z.object({
          token: z.string().min(10).max(300),
          password: z.string().min(8).max(200),
          name: z.string().trim().min(1).max(200).optional(),
        }),
      ),
      responses: {
        201: ok(
          z.object({ userId: z.string(), email: z.string(), workspaceId: z.string() }),
          'Created',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const out = await acceptInvite(c.get('deps'), defined(c.req.valid('json')), c.get('ip'));
      return c.json(out, 201);
    },
  );
}

/** A user's settings and the teams with their routing settings. */
function registerUserAndTeamSettings(r: Router) {
  verbRoute(r, {
    method: 'patch',
    path: '/users/{userId}',
    operationId: 'updateUser',
    summary:
      "Change a user's role, name, locale or mobile (admin; anyone their own name, locale and mobile). The mobile is stored in E.164; 422 when it is not a phone number",
    request: {
      params: z.object({ userId: UserId }),
      ...jsonBody(
        z.object({
          role: RoleEnum.optional(),
          name: z.string().trim().min(1).max(200).optional(),
          locale: Locale.optional(),
          mobile: z.string().max(40).nullable().optional(),
        }),
      ),
    },
    responses: { 200: ok(UserSummary) },
    verb: updateUser,
    input: (c) => {
      const { userId } = c.req.valid('param');
      return { userId, ...defined(c.req.valid('json')) };
    },
  });

  verbRoute(r, {
    method: 'post',
    path: '/teams',
    operationId: 'createTeam',
    summary: 'Create a team with managers, members and their routing settings (admin)',
    request: jsonBody(
      z.object({
        id: TeamId,
        name: z.string().trim().min(1).max(200),
        shared: z.boolean().optional(),
        managers: z.array(UserId).max(1000).optional(),
        members: z.array(MemberSettings).max(1000).optional(),
      }),
    ),
    responses: { 201: ok(TeamDetail, 'Created') },
    verb: createTeam,
    input: (c) => {
      const body = c.req.valid('json');
      return { ...defined(body), ...(body.members ? { members: body.members.map(defined) } : {}) };
    },
  });

  verbRoute(r, {
    method: 'patch',
    path: '/teams/{teamId}',
    operationId: 'updateTeam',
    summary:
      "Change a team: name, sharing, managers (admin); members and their weight, cap, leave and shift (admin or the team's manager)",
    request: {
      params: z.object({ teamId: TeamId }),
      ...jsonBody(
        z.object({
          name: z.string().trim().min(1).max(200).optional(),
          shared: z.boolean().optional(),
          managers: z.array(UserId).max(1000).optional(),
          members: z.array(MemberSettings).max(1000).optional(),
        }),
      ),
    },
    responses: { 200: ok(TeamDetail) },
    verb: updateTeam,
    input: (c) => {
      const { teamId } = c.req.valid('param');
      const body = c.req.valid('json');
      return {
        teamId,
        ...defined(body),
        ...(body.members ? { members: body.members.map(defined) } : {}),
      };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/admin/teams/{teamId}',
    operationId: 'getTeam',
    summary:
      "A team with its managers, members and each member's weight, cap, leave and shift (admin or the team's manager)",
    request: { params: z.object({ teamId: TeamId }) },
    responses: { 200: ok(TeamDetail) },
    verb: getTeam,
    input: (c) => c.req.valid('param'),
  });
}
