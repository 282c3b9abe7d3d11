import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{engine,server,sop-library,test,editor}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    allowOnly: false,
  },
});
