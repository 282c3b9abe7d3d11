/**
 * `bun run dev`: the server on :3000 with restart on change (Bun's --watch) and the
 * editor's Vite dev server with hot reload (it proxies /api to the server). Ctrl-C stops both.
 */
const root = new URL('../../', import.meta.url).pathname;
const server = Bun.spawn(['bun', '--watch', new URL('./main.ts', import.meta.url).pathname], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit'],
  env: { ...process.env, EDITOR_DIST: process.env.EDITOR_DIST ?? 'editor/dist' },
});
const vite = Bun.spawn(['bun', 'run', 'dev'], {
  cwd: `${root}editor`,
  stdio: ['inherit', 'inherit', 'inherit'],
  env: process.env,
});
const stop = (signal: NodeJS.Signals) => {
  server.kill(signal);
  vite.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const code = await Promise.race([server.exited, vite.exited]);
stop('SIGTERM');
process.exit(code);
