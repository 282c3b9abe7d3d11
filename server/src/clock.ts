/** The server's clock. Injected into createApp so nothing reads Date.now() behind the tests' back. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };
