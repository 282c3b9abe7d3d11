import { defineConfig } from 'vitest/config';

/** `bun run test:chaos` only: kept out of `bun run test` (it runs for minutes). */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    allowOnly: false,
  },
});
