/**
 * The engine's light entry point (working-time arithmetic, Chinese phone numbers, how a
 * record is named), so the Next actions page does not pull the whole engine (XState,
 * json-rules-engine, RE2: ~110 KB gzipped) onto a phone. The record page loads the full
 * engine lazily for live gate checks.
 */
export {
  chinaCalendar,
  isChinesePhone,
  normalizePhone,
  recordLabel,
  workingMsBetween,
} from '@closeloop/engine/lite';
