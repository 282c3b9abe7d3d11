/**
 * The newcomer's machine (#18): without Chromium or the CJK fonts, `bun run test` installs
 * them as root with apt, else stops at once with the exact command — never 20 failed tests.
 */
import { describe, expect, it } from 'vitest';
import { planBrowserDeps } from './browser-deps.ts';

const ready = { hasChromium: true, hasCjkFont: true, isRoot: false, hasApt: true };

describe('planBrowserDeps', () => {
  it('is ready when both are there', () => {
    expect(planBrowserDeps(ready)).toEqual({ kind: 'ready' });
    expect(planBrowserDeps({ ...ready, isRoot: true, hasApt: false })).toEqual({ kind: 'ready' });
  });

  it('installs both packages with apt-get as root', () => {
    const plan = planBrowserDeps({ ...ready, hasCjkFont: false, isRoot: true });
    expect(plan).toEqual({
      kind: 'install',
      missing: ['the Noto Sans CJK fonts'],
      command: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'],
      ],
    });
  });

  it('stops with the exact sudo command when not root', () => {
    const plan = planBrowserDeps({ ...ready, hasChromium: false, hasCjkFont: false });
    expect(plan.kind).toBe('stop');
    if (plan.kind !== 'stop') return;
    expect(plan.missing).toEqual(['Chromium (/usr/bin/chromium)', 'the Noto Sans CJK fonts']);
    expect(plan.message).toContain(
      'sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk',
    );
  });

  it('names the packages where there is no apt-get', () => {
    const plan = planBrowserDeps({ ...ready, hasChromium: false, isRoot: true, hasApt: false });
    expect(plan.kind).toBe('stop');
    if (plan.kind !== 'stop') return;
    expect(plan.message).toContain('chromium and fonts-noto-cjk');
    expect(plan.message).not.toContain('sudo');
  });
});
