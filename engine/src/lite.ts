/**
 * The pure, dependency-free corners of the engine that list and capture screens need
 * (working-time arithmetic, Chinese phone numbers, how a record is named), as their own
 * entry point `@closeloop/engine/lite`, so a page can use them without loading XState,
 * json-rules-engine and RE2. Nothing here may import a package; customer match keys, which
 * need libphonenumber-js, opencc-js and pinyin-pro, are `@closeloop/engine/customers`.
 */
export { chinaCalendar, workingMsBetween } from './calendar.ts';
export { isChinesePhone, normalizePhone, recordLabel } from './fields.ts';
