/**
 * `bun test/e2e/serve.ts [--demo]`: the e2e harness's server, kept running, for looking at
 * the built editor by hand or from scripts (prints its URL).
 */
import { startServer } from './harness.ts';

const h = await startServer({ seed: process.argv.includes('--demo') ? 'demo' : 'users' });
console.log(`serving ${h.url}`);
process.on('SIGTERM', () => void h.stop().then(() => process.exit(0)));
process.on('SIGINT', () => void h.stop().then(() => process.exit(0)));
