/**
 * `bun run bench`: runs every benchmark script in test/bench one after another and prints
 * their reports. Benchmarks report medians and ratios against a baseline measured in the
 * same run; nothing here asserts a time.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dir;
// names pick scripts; `--flag value` pairs are handed to every script picked
const args = process.argv.slice(2);
const only: string[] = [];
const flags: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] ?? '';
  if (a.startsWith('--')) {
    flags.push(a);
    const v = args[i + 1];
    if (v !== undefined && !v.startsWith('--')) flags.push(args[++i] ?? '');
  } else only.push(a);
}
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of scripts) {
  console.log(`\n=== ${f} ===`);
  const p = Bun.spawn(['bun', join(dir, f), ...flags], {
    stdout: 'inherit',
    stderr: 'inherit',
    env: process.env,
  });
  const code = await p.exited;
  if (code !== 0) {
    failed++;
    console.log(`(${f} exited with ${code})`);
  }
}
process.exit(failed ? 1 : 0);
