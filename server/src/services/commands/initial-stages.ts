import { own, type SopDocument, type StateConfig } from '@closeloop/engine';

/** Stage ids active when a record starts (the initial configuration of the machine). */
export function initialStages(doc: SopDocument): string[] {
  const out: string[] = [];
  const enter = (states: Record<string, StateConfig>, key: string, prefix: string) => {
    const id = prefix + key;
    out.push(id);
    const s = own(states, key);
    if (!s?.states) return;
    if (s.type === 'parallel') {
      for (const k of Object.keys(s.states)) enter(s.states, k, `${id}.`);
    } else if (s.initial) {
      enter(s.states, s.initial, `${id}.`);
    }
  };
  if (doc.machine.type === 'parallel') {
    for (const k of Object.keys(doc.machine.states)) enter(doc.machine.states, k, '');
  } else {
    enter(doc.machine.states, doc.machine.initial, '');
  }
  return out;
}
