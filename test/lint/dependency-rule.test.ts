/**
 * The layout rule in `bun run lint` bites: dependency-cruiser, run with the project's own
 * rules on a fixture folder that breaks them, reports each broken rule — and passes the
 * real source tree.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

type Violation = { rule: { name: string }; from: string; to: string; cycle?: unknown[] };

/** Cruises `paths` with the project's rules; `withFixtures` lifts the fixture exclusion. */
function cruise(paths: string[], withFixtures: boolean, outputType = 'json') {
  let config = join(root, '.dependency-cruiser.cjs');
  if (withFixtures) {
    config = join(tmpdir(), `depcruise-fixtures-${process.pid}.cjs`);
    writeFileSync(
      config,
      `const c = require(${JSON.stringify(join(root, '.dependency-cruiser.cjs'))});
module.exports = { ...c, options: { ...c.options, exclude: { path: '(^|/)node_modules/' } } };\n`,
    );
  }
  const r = spawnSync(
    process.execPath,
    [bin, ...paths, '--config', config, '--output-type', outputType],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (outputType !== 'json') return { status: r.status, text: r.stdout, violations: [], error: 0 };
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[]; error: number } };
  return { status: r.status, text: '', ...out.summary };
}

describe('dependency rule', () => {
  it('reports a cross-feature import, a cycle and I/O in the engine', () => {
    const r = cruise(['test/lint/fixtures'], true);
    expect(r.error).toBe(3);
    const found = r.violations.map((v) => `${v.rule.name} ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual([
      'engine-node-modules test/lint/fixtures/engine/src/io.ts -> fs',
      'feature-imports-feature test/lint/fixtures/editor/src/features/alpha/page.ts -> test/lint/fixtures/editor/src/features/beta/label.ts',
      'no-cycles test/lint/fixtures/editor/src/shared/ring-a.ts -> test/lint/fixtures/editor/src/shared/ring-b.ts',
    ]);
  });

  it('fails the command lint runs, naming each rule', () => {
    const r = cruise(['test/lint/fixtures'], true, 'err');
    expect(r.status).toBe(3);
    for (const rule of ['no-cycles', 'feature-imports-feature', 'engine-node-modules'])
      expect(r.text).toContain(`error ${rule}:`);
  });

  it('passes the real source tree', () => {
    const r = cruise(['engine', 'server', 'editor/src', 'sop-library', 'test', 'scripts'], false);
    expect(r.violations).toEqual([]);
    expect(r.status).toBe(0);
  });
});
