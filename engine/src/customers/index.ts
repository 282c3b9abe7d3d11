export * from './normalize.ts';
export * from './pool.ts';
