/**
 * SSRF guard for every outbound URL (webhooks and chat bots): http(s) only, the host resolved
 * first, and every address it resolves to must be public. Refused: private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), loopback, link-local (169.254/16, fe80::/10, which holds the cloud
 * metadata address 169.254.169.254), CGNAT (100.64/10), unspecified, multicast, reserved and
 * documentation ranges, fd00:ec2::254, and IPv4-mapped or -translated IPv6 forms of them.
 * `OUTBOUND_ALLOW_HOSTS` names internal hosts (`host` or `host:port`) a self-hosted install
 * trusts. Checked when a target is saved and again before each send.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** Why a URL was refused (a code the API maps to a problem, and a note for the log). */
export type SsrfRefusal = { reason: 'scheme' | 'url' | 'unresolved' | 'address'; detail: string };

/** The IPv4 address an IPv6 address embeds (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96), if any. */
function embeddedV4(addr: string): string | null {
  const a = addr.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex?.[1] && hex[2]) {
    const hi = Number.parseInt(hex[1], 16);
    const lo = Number.parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True when an address must not be reached from the server. */
export function isForbiddenAddress(addr: string): boolean {
  const family = isIP(addr);
  if (family === 4) return blocked.check(addr, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedV4(addr);
  if (v4) return blocked.check(v4, 'ipv4');
  if (addr.toLowerCase() === 'fd00:ec2::254') return true;
  return blocked.check(addr, 'ipv6');
}

function allowed(u: URL, allowHosts: readonly string[]): boolean {
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return allowHosts.some((h) => h === host || h === `${host}:${port}`);
}

/**
 * Resolves `url`'s host and refuses it unless every address is public or the host is allowed.
 * Returns null when the URL may be reached.
 *
 * @example
 * await checkOutboundUrl('http://169.254.169.254/latest', []) // { reason: 'address', … }
 */
export async function checkOutboundUrl(
  url: string,
  allowHosts: readonly string[],
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<SsrfRefusal | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { reason: 'url', detail: 'not a URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { reason: 'scheme', detail: `${u.protocol} is not http or https` };
  if (u.username || u.password) return { reason: 'url', detail: 'credentials in the URL' };
  if (allowed(u, allowHosts)) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addrs: string[];
  try {
    addrs = isIP(host) ? [host] : await resolve(host);
  } catch {
    return { reason: 'unresolved', detail: `${host} does not resolve` };
  }
  if (!addrs.length) return { reason: 'unresolved', detail: `${host} does not resolve` };
  const bad = addrs.find(isForbiddenAddress);
  if (bad) return { reason: 'address', detail: `${host} resolves to ${bad}, which is not public` };
  return null;
}

async function resolveAll(host: string): Promise<string[]> {
  const r = await lookup(host, { all: true, verbatim: true });
  return r.map((a) => a.address);
}
