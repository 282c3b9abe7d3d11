import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, isForbiddenAddress } from './ssrf.ts';

describe('isForbiddenAddress', () => {
  it.each([
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['127.0.0.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true],
    ['fc00::5', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:10.0.0.1', true],
    ['64:ff9b::10.0.0.1', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s → %s', (addr, forbidden) => {
    expect(isForbiddenAddress(addr)).toBe(forbidden);
  });
});

describe('checkOutboundUrl', () => {
  const dns = (map: Record<string, string[]>) => async (h: string) => map[h] ?? [];
  it('refuses a name that resolves to a private address, allows a public one', async () => {
    const r = dns({
      'evil.example': ['93.184.216.34', '10.0.0.7'],
      'ok.example': ['93.184.216.34'],
    });
    expect((await checkOutboundUrl('https://evil.example/x', [], r))?.reason).toBe('address');
    expect(await checkOutboundUrl('https://ok.example/x', [], r)).toBeNull();
  });
  it('refuses other schemes, credentials and unresolvable names', async () => {
    expect((await checkOutboundUrl('file:///etc/passwd', []))?.reason).toBe('scheme');
    expect((await checkOutboundUrl('http://u:p@93.184.216.34/', []))?.reason).toBe('url');
    expect((await checkOutboundUrl('http://nope.example/', [], dns({})))?.reason).toBe(
      'unresolved',
    );
  });
  it('lets an allowed host through by name or host:port only', async () => {
    expect(await checkOutboundUrl('http://127.0.0.1:8080/h', ['127.0.0.1'])).toBeNull();
    expect(await checkOutboundUrl('http://127.0.0.1:8080/h', ['127.0.0.1:8080'])).toBeNull();
    expect((await checkOutboundUrl('http://127.0.0.1:9090/h', ['127.0.0.1:8080']))?.reason).toBe(
      'address',
    );
    expect((await checkOutboundUrl('http://[::1]:80/', []))?.reason).toBe('address');
  });
});
