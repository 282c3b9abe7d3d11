/**
 * The notification-rules tab's server state: which events go to which chat channel, webhook or
 * in-app only. The whole list is replaced on save (updateNotificationRules).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, ok, type Schemas } from '../../shared/api/client.ts';

export type NotificationRule = Schemas['NotificationRule'];
export type RuleEvent = NotificationRule['event'];
export type RuleTarget = NotificationRule['target'];
export type RuleInput = Omit<NotificationRule, 'id'>;

export const RULE_EVENTS: RuleEvent[] = [
  'lead.assigned',
  'sla.breached',
  'sla.escalated',
  'record.handover',
  'record.won',
  'record.lost',
  'pool.warning',
  'delivery.disabled',
];
/** Events about the workspace, not a record: admins' rules, workspace-wide, never in-app only. */
export const SYSTEM_EVENTS: ReadonlySet<RuleEvent> = new Set(['delivery.disabled']);
/** Events about a customer (the 公海 warning): scoped by team, never by SOP. */
export const CUSTOMER_EVENTS: ReadonlySet<RuleEvent> = new Set(['pool.warning']);
export const RULE_TARGETS: RuleTarget[] = ['channel', 'webhook', 'in-app'];

const key = ['admin', 'notification-rules'] as const;

export function useRules() {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => ok(http.GET('/admin/notification-rules', { signal })),
    select: (d) => d.items,
    meta: { silent: true },
    retry: false,
  });
}

export function useSaveRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rules: RuleInput[]) =>
      ok(http.PUT('/admin/notification-rules', { body: { rules } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    meta: { silent: true },
  });
}
