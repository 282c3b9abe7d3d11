/** The part of an SOP machine state the rep workspace reads, checked (no i18n, no network). */
import { z } from 'zod/mini';

const StateNode = z.object({
  type: z.optional(z.string()),
  initial: z.optional(z.string()),
  meta: z.optional(z.object({ stage: z.optional(z.unknown()) })),
  states: z.optional(z.record(z.string(), z.unknown())),
  on: z.optional(z.record(z.string(), z.unknown())),
  onDone: z.optional(z.unknown()),
  always: z.optional(z.unknown()),
});
export type StateNode = z.infer<typeof StateNode>;

/** A state of an SOP machine (as far as the rep workspace reads it), or null. */
export function stateNodeOf(v: unknown): StateNode | null {
  const r = StateNode.safeParse(v);
  return r.success ? r.data : null;
}
