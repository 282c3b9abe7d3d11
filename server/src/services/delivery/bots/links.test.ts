import { describe, expect, it } from 'vitest';
import { LINK_TTL_MS, signLink, verifyLink, workspaceOfLink } from './links.ts';

const now = Date.UTC(2026, 0, 5, 9);
const claims = { workspaceId: 'w1', recordId: 'r1', expiresAt: now + LINK_TTL_MS };

describe('signed record links', () => {
  it('a fresh link verifies and names its workspace and record', () => {
    const t = signLink(claims, 'key');
    expect(workspaceOfLink(t)).toBe('w1');
    expect(verifyLink(t, 'key', now)).toEqual({ ok: true, claims });
  });

  it('refuses a tampered payload, a tampered signature, another key and a malformed token', () => {
    const t = signLink(claims, 'key');
    const [payload, sig] = t.split('.') as [string, string];
    const other = signLink({ ...claims, recordId: 'r2' }, 'key').split('.')[0];
    expect(verifyLink(`${other}.${sig}`, 'key', now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const flipped = sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA');
    expect(verifyLink(`${payload}.${flipped}`, 'key', now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyLink(t, 'other key', now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyLink('nonsense', 'key', now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLink(`${t}.x`, 'key', now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('a customer link opens the customer, and a record link cannot be turned into one', () => {
    const t = signLink({ ...claims, opens: 'customer' }, 'key');
    expect(verifyLink(t, 'key', now)).toEqual({
      ok: true,
      claims: { ...claims, opens: 'customer' },
    });
    const [, sig] = signLink(claims, 'key').split('.') as [string, string];
    expect(verifyLink(`${t.split('.')[0]}.${sig}`, 'key', now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('expires after its time', () => {
    const t = signLink(claims, 'key');
    expect(verifyLink(t, 'key', now + LINK_TTL_MS - 1000).ok).toBe(true);
    expect(verifyLink(t, 'key', now + LINK_TTL_MS)).toEqual({ ok: false, reason: 'expired' });
  });
});
