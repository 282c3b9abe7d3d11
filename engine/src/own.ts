/**
 * Own-property lookups for names that come from a document or a command: a plain object's
 * inherited members (`constructor`, `toString`, `__proto__`, …) are never a field, a fact,
 * an operator or a stage.
 */

/** `obj[key]` when `key` is the object's own property, else undefined. */
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Names a plain object inherits (`constructor`, `toString`, `__proto__`, …): never a document name. */
export function isReservedName(name: string): boolean {
  return INHERITED.has(name);
}
