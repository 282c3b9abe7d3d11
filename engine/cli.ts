#!/usr/bin/env bun
/**
 * The SOP command line: validate, simulate, list paths, import XState JSON.
 *   bun run sop validate FILE
 *   bun run sop simulate FILE --events QUALIFY,CONVERT,advance:PT2H [--fields '{"phone":"13800138000"}']
 *   bun run sop paths FILE
 *   bun run sop import-xstate FILE [--out OUT]
 * Messages are in English, or Chinese with --lang zh-CN. Exit 1 on a bad file, 2 on bad usage.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import {
  checkSop,
  durationMs,
  enumeratePaths,
  type Fields,
  ImportError,
  importXState,
  type Locale,
  MAX_DOCUMENT_CHARS,
  type SimCommand,
  simulate,
  validate,
} from './src/index.ts';

const USAGE = `usage:
  sop validate FILE
  sop simulate FILE --events A,B,advance:PT2H,... [--fields JSON]
  sop paths FILE
  sop import-xstate FILE [--out OUT]
options: --lang en|zh-CN`;

export type CliResult = { code: number; out: string[]; err: string[] };

function readText(file: string, res: CliResult): string | null {
  try {
    const size = statSync(file).size;
    if (size > MAX_DOCUMENT_CHARS * 4) {
      res.err.push(`${file}: file is too large (${size} bytes)`);
      return null;
    }
    return readFileSync(file, 'utf8');
  } catch (e) {
    res.err.push(`${file}: cannot read: ${e instanceof Error ? e.message : e}`);
    return null;
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs the CLI on `argv` (without the program name); returns exit code and output lines. */
export async function runCli(argv: string[]): Promise<CliResult> {
  const res: CliResult = { code: 0, out: [], err: [] };
  const lang: Locale = option(argv, '--lang') === 'zh-CN' ? 'zh-CN' : 'en';
  const [cmd, file] = argv;
  if (!cmd || !file || !['validate', 'simulate', 'paths', 'import-xstate'].includes(cmd)) {
    res.err.push(USAGE);
    res.code = 2;
    return res;
  }
  const text = readText(file, res);
  if (text === null) {
    res.code = 1;
    return res;
  }
  if (cmd === 'import-xstate') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      res.err.push(`${file}: not valid JSON: ${e instanceof Error ? e.message : e}`);
      res.code = 1;
      return res;
    }
    try {
      const { doc, dropped } = importXState(json);
      for (const d of dropped)
        res.err.push(`${file}: dropped ${d} (express it as a gate or an SLA)`);
      for (const p of validate(doc))
        res.err.push(`${file}: warning: ${p.path}: ${p.message[lang]}`);
      const out = JSON.stringify(doc, null, 2);
      const target = option(argv, '--out');
      if (target) writeFileSync(target, `${out}\n`);
      else res.out.push(out);
    } catch (e) {
      res.err.push(
        `${file}: ${e instanceof ImportError ? e.message : `cannot import: ${e instanceof Error ? e.message : e}`}`,
      );
      res.code = 1;
    }
    return res;
  }
  const checked = checkSop(text);
  if (!checked.ok || !checked.doc) {
    for (const p of checked.problems) res.err.push(`${file}: ${p.path}: ${p.message[lang]}`);
    res.err.push(`${file}: ${checked.problems.length} problem(s)`);
    res.code = 1;
    return res;
  }
  const doc = checked.doc;
  if (cmd === 'validate') {
    res.out.push(`${file}: ok (${doc.id}, ${doc.fields.length} fields)`);
    return res;
  }
  if (cmd === 'paths') {
    for (const p of enumeratePaths(doc))
      res.out.push(`${p.steps.map((s) => s.action).join(' → ')}  ⇒ ${p.final}`);
    return res;
  }
  const events = (option(argv, '--events') ?? '').split(',').filter(Boolean);
  let fields: Fields = {};
  const rawFields = option(argv, '--fields');
  if (rawFields) {
    try {
      fields = JSON.parse(rawFields) as Fields;
    } catch (e) {
      res.err.push(`--fields: not valid JSON: ${e instanceof Error ? e.message : e}`);
      res.code = 2;
      return res;
    }
  }
  const commands: SimCommand[] = [];
  for (const ev of events) {
    if (ev.startsWith('advance:')) {
      const ms = durationMs(ev.slice(8));
      if (ms === null) {
        res.err.push(`--events: "${ev}": not an ISO 8601 duration`);
        res.code = 2;
        return res;
      }
      commands.push({ type: 'advance', ms });
    } else
      commands.push({
        type: 'perform',
        action: ev,
        fields: commands.length === 0 ? fields : undefined,
      });
  }
  const sim = await simulate(doc, commands, { fields });
  for (const s of sim.trace) {
    const name = s.command.type === 'perform' ? s.command.action : s.command.type;
    const types = s.events.map((e) => e.type).join(', ');
    res.out.push(`${new Date(s.at).toISOString()}  ${name}: ${s.ok ? types : 'rejected'}`);
  }
  if (!sim.ok && sim.rejection) {
    res.err.push(`rejected: ${sim.rejection.message[lang]}`);
    for (const f of sim.rejection.failures)
      res.err.push(`  - ${f.path}: ${f.message[lang]} [${f.fields.join(', ')}]`);
    res.code = 1;
  }
  if (sim.record) res.out.push(`final: ${JSON.stringify(sim.record.value)} (${sim.record.status})`);
  return res;
}

if (import.meta.main) {
  const r = await runCli(process.argv.slice(2));
  for (const l of r.out) console.log(l);
  for (const l of r.err) console.error(l);
  process.exit(r.code);
}
