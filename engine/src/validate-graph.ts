/** The stage graph `validate` checks reachability and dead ends on, resolved by XState. */
import type { AnyStateMachine, AnyStateNode } from 'xstate';

type Graph = {
  nodes: Map<string, AnyStateNode>;
  edges: Map<string, string[]>;
  error?: { id: string; message: string };
};

/** Resolves every transition's targets through XState itself. */
export function graphOf(machine: AnyStateMachine): Graph {
  const nodes = new Map<string, AnyStateNode>();
  const edges = new Map<string, string[]>();
  const g: Graph = { nodes, edges };
  const visit = (n: AnyStateNode) => {
    const id = n.path.join('.');
    nodes.set(id, n);
    try {
      const on = n.on as Record<string, Array<{ target?: readonly AnyStateNode[] }>>;
      edges.set(
        id,
        Object.values(on).flatMap((ts) =>
          ts.flatMap((t) => (t.target ?? []).map((x) => x.path.join('.'))),
        ),
      );
    } catch (e) {
      g.error ??= { id, message: e instanceof Error ? e.message : String(e) };
      edges.set(id, []);
    }
    for (const child of Object.values(n.states)) visit(child as AnyStateNode);
  };
  visit(machine.root);
  return g;
}

export function reachable(g: Graph): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [''];
  const enter = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    queue.push(id);
    const parts = id.split('.');
    for (let i = parts.length - 1; i > 0; i--) enter(parts.slice(0, i).join('.'));
  };
  seen.add('');
  while (queue.length) {
    const id = queue.shift() ?? '';
    const n = g.nodes.get(id);
    if (!n) continue;
    if (n.type === 'parallel')
      for (const ch of Object.values(n.states)) enter((ch as AnyStateNode).path.join('.'));
    if (n.type === 'compound') {
      const initial = (n.config as { initial?: string }).initial;
      if (initial) enter(id ? `${id}.${initial}` : initial);
    }
    // transitions of a node apply while any descendant is active
    for (const t of g.edges.get(id) ?? []) enter(t);
  }
  return seen;
}
