/**
 * Import and export plain XState machine JSON (e.g. from Stately Studio).
 */
import { UNSUPPORTED_STATE_KEYS, UNSUPPORTED_TRANSITION_KEYS } from './compile.ts';
import {
  type LocalizedText,
  MachineConfig,
  type SopDocument,
  type StateConfig,
  type TransitionConfig,
} from './sop.ts';

export class ImportError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const text = (s: string): LocalizedText => ({ 'zh-CN': s, en: s });

function slug(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return out || 'imported-sop';
}

function humanize(key: string): string {
  return key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase());
}

function convertState(key: string, raw: unknown, path: string, dropped: string[]): StateConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ImportError(path, 'a state must be an object');
  const cfg = { ...(raw as Record<string, unknown>) } as StateConfig;
  for (const k of UNSUPPORTED_STATE_KEYS) {
    if (k in cfg) {
      dropped.push(`${path}.${k}`);
      delete cfg[k];
    }
  }
  const meta = (cfg.meta && typeof cfg.meta === 'object' ? { ...cfg.meta } : {}) as NonNullable<
    StateConfig['meta']
  >;
  if (!meta.stage) {
    const title =
      typeof cfg.description === 'string' && cfg.description.length < 60
        ? cfg.description
        : humanize(key);
    meta.stage = {
      title: text(title),
      ...(cfg.type === 'final' ? { outcome: 'done' as const } : {}),
    };
  }
  cfg.meta = meta;
  if (cfg.on !== undefined) {
    if (!cfg.on || typeof cfg.on !== 'object')
      throw new ImportError(`${path}.on`, '"on" must be an object');
    const on: NonNullable<StateConfig['on']> = {};
    for (const [event, t] of Object.entries(cfg.on)) {
      const list = Array.isArray(t) ? t : [t];
      on[event] = list.map((x, i) => {
        const tr: Record<string, unknown> =
          typeof x === 'string' ? { target: x } : { ...(x as Record<string, unknown>) };
        for (const k of UNSUPPORTED_TRANSITION_KEYS) {
          if (k in tr) {
            dropped.push(`${path}.on.${event}[${i}].${k}`);
            delete tr[k];
          }
        }
        const m = (tr.meta && typeof tr.meta === 'object' ? tr.meta : {}) as Record<
          string,
          unknown
        >;
        tr.meta = { label: text(humanize(event)), ...m };
        return tr as TransitionConfig;
      });
    }
    cfg.on = on;
  }
  if (cfg.states !== undefined) {
    if (!cfg.states || typeof cfg.states !== 'object')
      throw new ImportError(`${path}.states`, '"states" must be an object');
    cfg.states = Object.fromEntries(
      Object.entries(cfg.states).map(([k, s]) => [
        k,
        convertState(k, s, `${path}.states.${k}`, dropped),
      ]),
    );
  }
  return cfg;
}

/**
 * Turns a plain XState machine config into an SOP document with default stage meta.
 * Features SOPs express as data (after, always, invoke, entry/exit actions, guards) are
 * dropped and listed in `dropped`. Throws ImportError naming the path of a bad part.
 */
export function importXState(input: unknown): { doc: SopDocument; dropped: string[] } {
  const raw =
    input && typeof input === 'object' && 'machine' in input && !('states' in input)
      ? (input as { machine: unknown }).machine
      : input;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ImportError('(document)', 'expected an XState machine config object');
  const m = raw as Record<string, unknown>;
  if (!m.states || typeof m.states !== 'object')
    throw new ImportError('states', 'an XState machine needs "states"');
  if (typeof m.initial !== 'string' && m.type !== 'parallel')
    throw new ImportError('initial', 'an XState machine needs "initial"');
  const dropped: string[] = [];
  const root = convertState(String(m.id ?? 'root'), m, '(machine)', dropped);
  delete root.meta;
  const machine = MachineConfig.parse({
    ...root,
    id: typeof m.id === 'string' ? m.id : 'imported',
  });
  const id = slug(typeof m.id === 'string' ? m.id : 'imported-sop');
  return {
    doc: {
      id,
      version: 0,
      name: text(typeof m.id === 'string' ? humanize(m.id) : 'Imported SOP'),
      fields: [],
      machine,
    },
    dropped,
  };
}

/** The SOP's machine as plain XState JSON (Stately Studio reads `meta` as is). */
export function exportXState(doc: SopDocument): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ ...doc.machine, id: doc.machine.id ?? doc.id }));
}
