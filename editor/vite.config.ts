import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The editor app. `bun run --cwd editor build` writes editor/dist, which the Hono server
 * serves with an SPA fallback; `vite` (dev) proxies /api to the server on :3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.CLOSELOOP_API ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
