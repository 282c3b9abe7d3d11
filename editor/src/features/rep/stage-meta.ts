/**
 * A stage's `meta` as the SOP document writes it (title, instructions, checklist, SLA,
 * outcome). The API passes it through untyped, so it is checked here where it is read.
 */
import { z } from 'zod/mini';

/** Localized SOP text, as a document writes it. */
export const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });

/** A field value, as a saved draft keeps it on this device. */
export const FieldValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.null(),
]);

export const StageMeta = z.object({
  title: Localized,
  instructions: z.optional(Localized),
  script: z.optional(Localized),
  checklist: z.optional(z.array(z.object({ id: z.string(), label: Localized }))),
  fields: z.optional(z.array(z.string())),
  sla: z.optional(
    z.object({
      duration: z.string(),
      clock: z.optional(z.enum(['wall', 'working'])),
      dueField: z.optional(z.string()),
    }),
  ),
  outcome: z.optional(z.enum(['won', 'lost', 'done'])),
});
export type StageMeta = z.infer<typeof StageMeta>;

/** A stage's meta, or null when it has none (or it does not parse). */
export function stageMetaOf(meta: unknown): StageMeta | null {
  const r = StageMeta.safeParse(meta);
  return r.success ? r.data : null;
}
