/**
 * `bun run dev`: the server with restart on change (Bun's --watch). The editor's own dev
 * server (Vite, with hot reload) proxies /api here; run it with `bun run --cwd editor dev`.
 */
const child = Bun.spawn(['bun', '--watch', new URL('./main.ts', import.meta.url).pathname], {
  stdio: ['inherit', 'inherit', 'inherit'],
  env: { ...process.env, EDITOR_DIST: process.env.EDITOR_DIST ?? 'editor/dist' },
});
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.exit(await child.exited);
