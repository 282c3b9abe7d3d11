/**
 * Runs the engine's checkSop() off the main thread: on a 200-stage SOP it takes ~100 ms
 * (zod parse plus validate), which would otherwise block the canvas after every edit.
 * Message in: `{ seq, doc }`; message out: `{ seq, problems }`.
 */
import { checkSop } from '@closeloop/engine';

addEventListener('message', (e: MessageEvent<{ seq: number; doc: unknown }>) => {
  const { seq, doc } = e.data;
  postMessage({ seq, problems: checkSop(doc).problems });
});
