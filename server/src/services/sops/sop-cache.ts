/**
 * Published SOP versions are immutable, so each is parsed and compiled once per process and
 * kept here, keyed by workspace, SOP and version.
 */
import {
  type CompiledSop,
  compile,
  parseSop,
  type SopDocument,
  type StateConfig,
} from '@closeloop/engine';
import type { Db } from '../../db/client.ts';
import { NotFound } from '../core/errors.ts';

export type LoadedSop = {
  doc: SopDocument;
  compiled: CompiledSop;
  /** Teams the SOP's owner rules and escalations name: the roster a step may need. */
  teams: string[];
};

export type SopCache = {
  get(workspaceId: string, sopId: string, version: number): Promise<LoadedSop>;
  /** Teams named by the SOPs this process has loaded for the workspace (a roster guess). */
  knownTeams(workspaceId: string): string[];
};

/** Builds the cache entry for a document (also used for drafts in dry runs). */
export function loadSop(doc: SopDocument): LoadedSop {
  return { doc, compiled: compile(doc), teams: teamsOf(doc) };
}

export function teamsOf(doc: SopDocument): string[] {
  const out = new Set<string>();
  const visit = (s: StateConfig) => {
    const stage = s.meta?.stage;
    if (stage?.owner) {
      for (const r of stage.owner.rules) out.add(r.assign.team);
      if (stage.owner.default) out.add(stage.owner.default.team);
    }
    for (const rung of stage?.sla?.escalations ?? []) if (rung.assign) out.add(rung.assign.team);
    for (const child of Object.values(s.states ?? {})) visit(child);
  };
  for (const s of Object.values(doc.machine.states)) visit(s);
  return [...out];
}

export function createSopCache(db: Db, max = 500): SopCache {
  const entries = new Map<string, Promise<LoadedSop>>();
  const teams = new Map<string, Set<string>>();
  return {
    knownTeams(workspaceId) {
      return [...(teams.get(workspaceId) ?? [])];
    },
    get(workspaceId, sopId, version) {
      const key = `${workspaceId}\u0000${sopId}\u0000${version}`;
      const hit = entries.get(key);
      if (hit) {
        // refresh LRU position
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const p = (async () => {
        const rows = await db.query(
          'select doc from sop_versions where workspace_id = $1 and sop_id = $2 and version = $3',
          [workspaceId, sopId, version],
        );
        const row = rows[0];
        if (!row) throw new NotFound('SOP version', `${sopId}@${version}`);
        const parsed = parseSop(row.doc);
        if (!parsed.ok) throw new Error(`stored SOP ${sopId}@${version} no longer parses`);
        const loaded = loadSop(parsed.doc);
        let known = teams.get(workspaceId);
        if (!known) {
          known = new Set();
          if (teams.size > max) teams.clear();
          teams.set(workspaceId, known);
        }
        for (const t of loaded.teams) known.add(t);
        return loaded;
      })();
      p.catch(() => entries.delete(key));
      entries.set(key, p);
      if (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return p;
    },
  };
}
