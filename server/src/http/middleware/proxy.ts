/**
 * What a reverse proxy tells us: the client's address (X-Forwarded-For) and whether the
 * client spoke TLS to it (X-Forwarded-Proto). Both headers are the client's word unless the
 * request came from a proxy we trust (config `trustProxy`: off, on for any peer, or the
 * proxies' addresses), so they are read only then.
 */
import type { Context } from 'hono';
import { getConnInfo } from 'hono/bun';
import type { TrustProxy } from '../../config.ts';
import type { AppEnv } from '../context.ts';

/** The socket peer's address (IPv4-mapped IPv6 unwrapped); null without a Bun server. */
export function peerAddress(c: Context<AppEnv>): string | null {
  try {
    const address = getConnInfo(c).remote.address;
    return address ? address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') : null;
  } catch {
    return null;
  }
}

/** True when the request's peer is a proxy whose forwarding headers we believe. */
export function fromTrustedProxy(c: Context<AppEnv>, trust: TrustProxy): boolean {
  if (typeof trust === 'boolean') return trust;
  const peer = peerAddress(c);
  return peer !== null && trust.includes(peer);
}

/** The last entry of a comma-separated forwarding header: the one our proxy appended. */
function lastEntry(c: Context<AppEnv>, header: string): string | undefined {
  return c.req.header(header)?.split(',').at(-1)?.trim() || undefined;
}

/**
 * The client's address: behind a trusted proxy the last X-Forwarded-For entry (earlier
 * entries are the client's word); else the socket's. Null when unknown.
 */
export function clientIp(c: Context<AppEnv>, trust: TrustProxy): string | null {
  if (fromTrustedProxy(c, trust)) {
    const last = lastEntry(c, 'x-forwarded-for');
    if (last) return last.slice(0, 100);
  }
  return peerAddress(c);
}

/** Whether the client's connection is TLS: the URL's scheme, or a trusted proxy's word. */
export function isHttps(c: Context<AppEnv>, trust: TrustProxy): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return fromTrustedProxy(c, trust) && lastEntry(c, 'x-forwarded-proto')?.toLowerCase() === 'https';
}
