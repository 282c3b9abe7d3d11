/**
 * The two platforms' signatures (企业微信 group robots have none: the key is in the URL).
 *
 * 钉钉 加签: HMAC-SHA256 keyed by the secret over `timestamp + "\n" + secret`, base64, then
 * URL-encoded, sent as the `timestamp` (ms) and `sign` query parameters.
 * 飞书: HMAC-SHA256 keyed by `timestamp + "\n" + secret` over an empty message, base64, sent
 * in the body with `timestamp` in seconds.
 */
import { createHmac } from 'node:crypto';

/** The 钉钉 `sign` query value (already URL-encoded) for `timestampMs`. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  return encodeURIComponent(mac);
}

/** The 飞书 `sign` body value for `timestampSec`. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}
