/**
 * The layout rule, checked by `bun run lint` (dependency-cruiser):
 * - no import cycles anywhere;
 * - an editor feature (editor/src/features/<area>/) imports only editor/src/shared/, npm
 *   packages and @closeloop/engine's public exports: never another feature, the app shell,
 *   engine internals or the SOP library's files;
 * - engine/ stays pure: no node:* modules, no server or editor code, no database packages;
 * - the editor never imports server code.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles make load order matter and hide layering; break them.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'feature-imports-feature',
      comment:
        'A feature uses only shared/ and the engine: move what two features share to shared/.',
      severity: 'error',
      from: { path: '(^|/)editor/src/features/([^/]+)/' },
      to: { path: '(^|/)editor/src/features/', pathNot: '(^|/)editor/src/features/$2/' },
    },
    {
      name: 'feature-imports-app',
      comment: 'The app shell composes features, not the other way round.',
      severity: 'error',
      from: { path: '(^|/)editor/src/features/' },
      to: { path: '(^|/)editor/src/app/' },
    },
    {
      name: 'editor-imports-engine-internals',
      comment:
        "The editor uses @closeloop/engine's exports (package.json `exports`), never its files.",
      severity: 'error',
      from: { path: '(^|/)editor/src/' },
      to: { path: '(^|/)(engine|sop-library)/', dependencyTypes: ['local'] },
    },
    {
      name: 'editor-imports-server',
      comment: 'The editor talks to the server over HTTP only (shared/api).',
      severity: 'error',
      from: { path: '(^|/)editor/' },
      to: { path: '(^|/)server/' },
    },
    {
      name: 'engine-not-pure',
      comment: 'engine/ is pure: no I/O, no clock, no server, editor or database code.',
      severity: 'error',
      from: { path: '(^|/)engine/src/' },
      to: {
        pathNot: '(^|/)engine/cli\\.ts$',
        path: ['(^|/)(server|editor)/', 'node_modules/(postgres|drizzle-orm|@electric-sql|pg)/'],
      },
    },
    {
      name: 'engine-node-modules',
      comment: 'engine/ is pure: node:* modules are I/O.',
      severity: 'error',
      from: { path: '(^|/)engine/src/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // test/lint/fixtures break the rules on purpose; dependency-rule.test.ts cruises them
    exclude: { path: ['(^|/)(dist|node_modules|drizzle)/', '^test/lint/fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
