/**
 * Readable names for audit actions. The server's codes are dot-namespaced
 * (`auth.sign-in`), which i18next would read as key paths, so each maps to a flat key
 * under `admin.audit.actions`. Unknown actions show their raw code.
 */
import type { TFunction } from 'i18next';

const KEYS: Record<string, string> = {
  // the names the server records today (server/src/services/audit.ts callers) …
  'auth.signed-in': 'authSignIn',
  'auth.signed-out': 'authSignOut',
  'user.invite-accepted': 'inviteAccepted',
  'gate.overridden': 'recordOverridden',
  // … and those of the agreed contract
  'auth.sign-in': 'authSignIn',
  'auth.sign-in-failed': 'authSignInFailed',
  'auth.sign-out': 'authSignOut',
  'user.updated': 'userUpdated',
  'user.role-changed': 'userRoleChanged',
  'user.deactivated': 'userDeactivated',
  'user.invited': 'userInvited',
  'user.invite-resent': 'inviteResent',
  'user.invite-revoked': 'inviteRevoked',
  'invite.accepted': 'inviteAccepted',
  'team.created': 'teamCreated',
  'team.updated': 'teamUpdated',
  'sop.published': 'sopPublished',
  'record.overridden': 'recordOverridden',
  'records.handed-over': 'recordsHandedOver',
  'report.exported': 'reportExported',
  'token.created': 'tokenCreated',
  'token.revoked': 'tokenRevoked',
  'token.used': 'tokenUsed',
};

export const KNOWN_ACTIONS = Object.keys(KEYS);

/** The namespaces, offered as prefixes in the action filter. */
export const ACTION_PREFIXES = [...new Set(KNOWN_ACTIONS.map((a) => `${a.split('.')[0]}.`))];

export function actionLabel(t: TFunction, action: string): string {
  const key = KEYS[action];
  return key ? t(`admin.audit.actions.${key}`) : action;
}
