import type { createRouter } from '../http/context.ts';

/** The router every resource's routes register on (one per resource, mounted by createApp). */
export type Router = ReturnType<typeof createRouter>;
