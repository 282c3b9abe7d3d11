/**
 * Small helpers the e2e files share: an API answer's body when its status is the expected
 * one (else an error naming both), and expect.poll with the patience a loaded 2-core
 * machine needs; that a page does not scroll sideways.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export async function body<T>(
  p: Promise<{ status: number; body: unknown }>,
  status = 200,
): Promise<T> {
  const r = await p;
  if (r.status !== status)
    throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

export const poll = <T>(fn: () => Promise<T> | T, timeout = 30_000) =>
  expect.poll(fn, { timeout, interval: 250 });

/** The page fits its viewport's width: no sideways scrolling (2 px of rounding allowed). */
export async function noHorizontalScroll(page: Page): Promise<void> {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(over).toBeLessThanOrEqual(2);
}
