/**
 * Response schemas several areas share (every loaded JSON is validated). Mirrors of the
 * engine's types: LocalizedText, field values, gate failures and open actions.
 */
import { z } from 'zod/mini';

export const Localized = z.object({ 'zh-CN': z.string(), en: z.string() });
export type Localized = z.infer<typeof Localized>;

export const FieldValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.null(),
]);
export type FieldValue = z.infer<typeof FieldValue>;

export const GateFailure = z.object({
  path: z.string(),
  fact: z.string(),
  operator: z.string(),
  message: Localized,
  fields: z.array(z.string()),
});
export type GateFailure = z.infer<typeof GateFailure>;

/** An action open on a record now, with its gate's verdict (engine `OpenAction`). */
export const openActionShape = {
  action: z.string(),
  label: Localized,
  from: z.string(),
  target: z.nullable(z.string()),
  allowed: z.boolean(),
  passed: z.boolean(),
  failures: z.array(GateFailure),
  fields: z.array(z.string()),
};
export const OpenAction = z.object(openActionShape);
export type OpenAction = z.infer<typeof OpenAction>;
