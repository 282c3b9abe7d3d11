/**
 * Request body limits: every body up to `bytes`, and bodies under `largePrefix` (SOP
 * documents) up to `largeBytes`. A declared Content-Length over the limit is refused before
 * reading; a streamed body is cut off when it passes the limit. Both answer 413
 * `payload-too-large`.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context.ts';
import { problem } from '../problem.ts';

export type BodyLimitOptions = {
  bytes: number;
  largeBytes: number;
  /** Paths starting with this take up to `largeBytes`. */
  largePrefix: string;
};

export function bodyLimits({
  bytes,
  largeBytes,
  largePrefix,
}: BodyLimitOptions): MiddlewareHandler<AppEnv> {
  const tooLarge = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: (c) => problem(c, 'payload-too-large', `bodies are limited to ${max} bytes`),
    });
  const small = tooLarge(bytes);
  const large = tooLarge(largeBytes);
  return async function limitBody(c, next) {
    if (c.req.path.startsWith(largePrefix)) return large(c, next);
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > bytes) {
      return problem(c, 'payload-too-large', `bodies are limited to ${bytes} bytes`);
    }
    return small(c, next);
  };
}
