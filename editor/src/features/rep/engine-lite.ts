/**
 * The two pure, dependency-free corners of the engine that the list and capture screens
 * need (working-time arithmetic, Chinese phone numbers, how a record is named), imported by file so the Next
 * actions page does not pull the whole engine (XState, json-rules-engine, RE2: ~110 KB
 * gzipped) onto a phone. The record page loads the full engine lazily for live gate checks.
 */
export { chinaCalendar, workingMsBetween } from '../../../../engine/src/calendar.ts';
export { isChinesePhone, normalizePhone, recordLabel } from '../../../../engine/src/fields.ts';
