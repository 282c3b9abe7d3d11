/** @closeloop/server: build the app over a database; used by main.ts, tests and benchmarks. */
export { type App, createApp } from './app.ts';
export { type Clock, systemClock } from './clock.ts';
export { Config, configFromEnv, parseConfig } from './config.ts';
export { createDb, type Db } from './db/client.ts';
export { migrateDb } from './db/migrate.ts';
export { withCoalescingSocket } from './db/socket.ts';
export { LIVE_CHANNEL } from './live.ts';
export { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './seed.ts';
/** Spreadsheet fixture makers (GBK bytes, CSV text, .xlsx) for tests, e2e and benchmarks. */
export {
  encodeGbk,
  makeXlsx,
  TRADE_SHOW_HEADER,
  TRADE_SHOW_ROWS,
  toCsv,
} from './services/intake/fixtures.ts';
export { createWorkspace, type NewTeam, type NewUser } from './services/people/create-workspace.ts';
export { readEvents } from './services/records/list-record-events.ts';
