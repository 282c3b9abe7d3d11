/**
 * What the browser tests need from the machine: Debian's Chromium at /usr/bin/chromium and
 * the Noto CJK fonts (Chinese text renders as boxes without them). `bun run test` runs this
 * file first: where they are missing it installs them with apt-get when running as root,
 * else it stops at once with the exact command to run — not twenty failed browser tests.
 *
 * @example
 * bun test/browser-deps.ts            # check, install as root, or print the command and exit 1
 * bun test/browser-deps.ts --check    # check only
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const PACKAGES = ['chromium', 'fonts-noto-cjk'] as const;

export type MachineFacts = {
  hasChromium: boolean;
  hasCjkFont: boolean;
  isRoot: boolean;
  hasApt: boolean;
};

export type DepsPlan =
  | { kind: 'ready' }
  | { kind: 'install'; missing: string[]; command: string[][] }
  | { kind: 'stop'; missing: string[]; message: string };

/** Decides what to do from the machine's facts (pure, so it is tested without apt). */
export function planBrowserDeps(f: MachineFacts): DepsPlan {
  const missing = [
    ...(f.hasChromium ? [] : [`Chromium (${CHROMIUM_PATH})`]),
    ...(f.hasCjkFont ? [] : ['the Noto Sans CJK fonts']),
  ];
  if (missing.length === 0) return { kind: 'ready' };
  if (f.isRoot && f.hasApt) {
    return {
      kind: 'install',
      missing,
      command: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', ...PACKAGES],
      ],
    };
  }
  const sudo = f.isRoot ? '' : 'sudo ';
  return {
    kind: 'stop',
    missing,
    message: [
      `The browser tests need ${missing.join(' and ')}, which this machine lacks.`,
      f.hasApt
        ? `Install them, then run the tests again:\n\n  ${sudo}apt-get update && ${sudo}apt-get install -y ${PACKAGES.join(' ')}\n`
        : `Install Debian's packages ${PACKAGES.join(' and ')} (or your system's Chromium at ${CHROMIUM_PATH} and the Noto Sans CJK fonts), then run the tests again.`,
    ].join('\n'),
  };
}

function run(cmd: string[]): { ok: boolean; out: string } {
  try {
    const p = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' });
    return { ok: p.exitCode === 0, out: p.stdout.toString() };
  } catch {
    return { ok: false, out: '' };
  }
}

/** This machine's facts. */
export function machineFacts(): MachineFacts {
  const fonts = run(['fc-list']);
  return {
    hasChromium: existsSync(CHROMIUM_PATH),
    hasCjkFont: fonts.ok && /noto sans cjk/i.test(fonts.out),
    isRoot: process.getuid?.() === 0,
    hasApt: run(['sh', '-c', 'command -v apt-get']).ok,
  };
}

/** Throws with the plan's message unless the machine is ready (for the e2e harness). */
export function assertBrowserDeps(): void {
  const plan = planBrowserDeps(machineFacts());
  if (plan.kind === 'ready') return;
  if (plan.kind === 'stop') throw new Error(plan.message);
  throw new Error(
    `The browser tests need ${plan.missing.join(' and ')}: run \`bun test/browser-deps.ts\` (as root it installs ${PACKAGES.join(' and ')}), or \`bun run test\`, which does it first.`,
  );
}

if (import.meta.main) {
  const plan = planBrowserDeps(machineFacts());
  if (plan.kind === 'stop') {
    console.error(plan.message);
    process.exit(1);
  }
  if (plan.kind === 'install') {
    if (process.argv.includes('--check')) {
      console.error(`missing: ${plan.missing.join(', ')}`);
      process.exit(1);
    }
    console.log(
      `browser tests: installing ${PACKAGES.join(' and ')} (missing ${plan.missing.join(', ')})`,
    );
    for (const cmd of plan.command) {
      const p = Bun.spawnSync(cmd, {
        stdout: 'inherit',
        stderr: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      if (p.exitCode !== 0) {
        console.error(`\`${cmd.join(' ')}\` failed (exit ${p.exitCode})`);
        process.exit(1);
      }
    }
    const after = planBrowserDeps(machineFacts());
    if (after.kind !== 'ready') {
      console.error(`still missing after the install: ${after.missing.join(', ')}`);
      process.exit(1);
    }
  }
}
