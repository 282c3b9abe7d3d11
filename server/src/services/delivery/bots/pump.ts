/**
 * The chat pump: turns each channel's queued notes into deliveries at the pace its platform
 * allows. Per channel, in one transaction that locks the channel's row (so processes take
 * turns): nothing while the channel is off or disabled (its notes wait, for replay), nothing
 * while a delivery to it is still pending (retries included: 钉钉's mute is waited out, not
 * extended), nothing when its token bucket is empty; otherwise one delivery carrying every
 * waiting note that fits one message — a single note as it is, a backlog as one digest.
 * Nothing is dropped: what does not fit waits for the next token.
 */
import type { Db } from '../../../db/client.ts';
import { BOT_LIMITS, type BucketState, take } from './bucket.ts';
import { type BotLocale, type BotNote, digestOf, fittingCount } from './message.ts';
import type { BotKind } from './platform.ts';

/** The markdown budget of one digest per platform (the adapters still cut as a last resort). */
const DIGEST_BYTES: Record<BotKind, number> = { wecom: 2000, dingtalk: 4500, feishu: 18_000 };
/** Notes considered per round per channel. */
const WINDOW = 200;

export type PumpResult = { deliveries: number; notes: number };

/** One round over every channel with waiting notes. */
export async function pumpChat(
  db: Db,
  opts: { now: number; publicUrl: string; channels?: number },
): Promise<PumpResult> {
  const waiting = await db.query(
    `select distinct workspace_id, channel_id from chat_queue where delivery_id is null limit $1`,
    [opts.channels ?? 100],
  );
  const total: PumpResult = { deliveries: 0, notes: 0 };
  for (const w of waiting) {
    const n = await pumpChannel(db, String(w.workspace_id), String(w.channel_id), opts);
    if (n) {
      total.deliveries++;
      total.notes += n;
    }
  }
  return total;
}

/** Sends what the channel may send now; the number of notes it put in a delivery. */
async function pumpChannel(
  db: Db,
  ws: string,
  channelId: string,
  opts: { now: number; publicUrl: string },
): Promise<number> {
  return db.transaction(async (q) => {
    const ch = (
      await q(
        `select kind, enabled, disabled_at is not null as disabled, rate_state from chat_channels
          where workspace_id = $1 and id = $2 for update skip locked`,
        [ws, channelId],
      )
    )[0];
    if (!ch) return 0;
    if (ch.enabled !== true || ch.disabled === true) return 0;
    const kind = ch.kind as BotKind;
    const busy = await q(
      `select 1 from deliveries where workspace_id = $1 and target_kind = $2 and target_id = $3
          and status = 'pending' limit 1`,
      [ws, kind, channelId],
    );
    if (busy.length) return 0;
    const r = take((ch.rate_state as BucketState | null) ?? null, BOT_LIMITS[kind], opts.now);
    if (!r.ok) {
      await q(
        `update chat_channels set rate_state = $3::jsonb where workspace_id = $1 and id = $2`,
        [ws, channelId, JSON.stringify(r.state)],
      );
      return 0;
    }
    const rows = await q(
      `select id, locale, note from chat_queue
        where workspace_id = $1 and channel_id = $2 and delivery_id is null
        order by created_at, id limit $3`,
      [ws, channelId, WINDOW],
    );
    if (!rows.length) return 0;
    const locale: BotLocale = rows[0]?.locale === 'en' ? 'en' : 'zh-CN';
    const base = opts.publicUrl.replace(/\/+$/, '');
    const notes = rows.map((row) => {
      const n = row.note as BotNote;
      return { ...n, url: n.url?.startsWith('/') ? base + n.url : n.url };
    });
    const count = fittingCount(notes, locale, DIGEST_BYTES[kind]);
    const taken = rows.slice(0, count).map((row) => String(row.id));
    const message = digestOf(notes.slice(0, count), locale);
    const deliveryId = crypto.randomUUID();
    await q(
      `insert into deliveries (workspace_id, id, target_kind, target_id, message_id, outbox_id,
                               event_type, data, event_at, status, next_attempt_at)
       values ($1, $2, $3, $4, $5, null, $6, $7::jsonb, now(), 'pending', now())`,
      [
        ws,
        deliveryId,
        kind,
        channelId,
        `msg_chat_${taken[0]}`,
        count > 1 ? 'chat.digest' : 'chat.note',
        JSON.stringify(message),
      ],
    );
    await q(
      `update chat_queue set delivery_id = $3 where workspace_id = $1 and id = any($2::text[])`,
      [ws, taken, deliveryId],
    );
    await q(`update chat_channels set rate_state = $3::jsonb where workspace_id = $1 and id = $2`, [
      ws,
      channelId,
      JSON.stringify(r.state),
    ]);
    return count;
  });
}

export type ChatPump = {
  runOnce(): Promise<PumpResult>;
  start(): void;
  stop(): Promise<void>;
};

/** The pump's loop in every server process (like the scheduler); 0 ms: tests drive it. */
export function createChatPump(deps: {
  db: Db;
  clock: { now(): number };
  intervalMs: number;
  publicUrl: string;
}): ChatPump {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  const round = () =>
    pumpChat(deps.db, { now: deps.clock.now(), publicUrl: deps.publicUrl }).catch((e) => {
      console.error('chat pump:', e);
    });
  const loop = () => {
    if (stopped) return;
    running = round().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(loop, deps.intervalMs);
    });
  };
  return {
    runOnce: () => pumpChat(deps.db, { now: deps.clock.now(), publicUrl: deps.publicUrl }),
    start() {
      if (deps.intervalMs <= 0 || !stopped) return;
      stopped = false;
      timer = setTimeout(loop, deps.intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
