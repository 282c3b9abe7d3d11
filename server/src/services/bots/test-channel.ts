/**
 * Sends a test message to a group robot now and answers what the platform said. The send
 * takes a token from the channel's bucket like any other message (so testing cannot get a
 * 钉钉 robot muted); it does not disable the channel on a bad answer — the admin is looking.
 */
import type { Verb } from '../core/context.ts';
import { DomainError } from '../core/errors.ts';
import { BOT_LIMITS, type BucketState, take } from '../delivery/bots/bucket.ts';
import { digestOf } from '../delivery/bots/message.ts';
import type { BotKind } from '../delivery/bots/platform.ts';
import { testNote } from '../delivery/bots/templates.ts';
import { BOT_TRANSPORTS } from '../delivery/bots/transports.ts';
import { exchange } from '../delivery/exchange.ts';
import type { Outcome } from '../delivery/transport.ts';
import { assertMayManage, loadChannelRow } from './channels.ts';

export type TestChannelResult = {
  outcome: Outcome['kind'] | 'unreachable';
  status: number | null;
  /** The start of the platform's answer (or the network error). */
  excerpt: string;
  reason: string | null;
};

export const testChannel: Verb<{ channelId: string }, TestChannelResult> = async ({
  ctx,
  input,
}) => {
  const ws = ctx.user.workspaceId;
  const now = ctx.clock.now();
  const kind = await ctx.db.transaction(async (q) => {
    const cur = await loadChannelRow(q, ws, input.channelId);
    assertMayManage(ctx.user, (cur.team_id as string | null) ?? null, 'test chat channels');
    const k = cur.kind as BotKind;
    const rows = await q(
      'select rate_state from chat_channels where workspace_id = $1 and id = $2 for update',
      [ws, input.channelId],
    );
    const r = take((rows[0]?.rate_state as BucketState | null) ?? null, BOT_LIMITS[k], now);
    await q('update chat_channels set rate_state = $3::jsonb where workspace_id = $1 and id = $2', [
      ws,
      input.channelId,
      JSON.stringify(r.state),
    ]);
    if (!r.ok)
      throw new DomainError(
        'rate-limited',
        `the robot's rate limit is used up; try again in ${Math.ceil(r.waitMs / 1000)} s`,
      );
    return k;
  });
  const transport = BOT_TRANSPORTS[kind];
  const target = await transport.load((t, p) => ctx.db.query(t, p), ws, input.channelId);
  if (!target) throw new DomainError('not-found', `chat channel ${input.channelId} not found`);
  const message = digestOf([testNote(target.config.name, ctx.user.locale)], ctx.user.locale);
  const req = await transport.build(
    target.config,
    {
      id: `msg_test_${crypto.randomUUID()}`,
      workspaceId: ws,
      type: 'chat.test',
      timestamp: now,
      data: message as unknown as Record<string, unknown>,
    },
    now,
  );
  // the same exchange as every delivery: SSRF guard, timeout, no redirects
  const { outcome: out, error } = await exchange(transport, req, {
    timeoutMs: ctx.config.deliveryTimeoutMs,
    allowHosts: ctx.config.outboundAllowHosts,
    now: () => ctx.clock.now(),
  });
  if (error && out.kind === 'retry' && out.status === null)
    return { outcome: 'unreachable', status: null, excerpt: error, reason: null };
  return {
    outcome: out.kind,
    status: out.status,
    excerpt: out.excerpt,
    reason: out.kind === 'permanent' ? out.reason : null,
  };
};
