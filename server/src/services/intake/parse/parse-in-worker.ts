import { ParseError } from './limits.ts';
import type { ParsedFile } from './sheet.ts';

type Answer =
  | { ok: true; file: ParsedFile }
  | { ok: false; code: ParseError['code']; zh: string; en: string };

/**
 * Parses a file in a Bun Worker (one per call, ended when it answers) and returns its
 * sheets; throws the worker's `ParseError`.
 */
export function parseInWorker(bytes: Uint8Array, fileName: string): Promise<ParsedFile> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url).href);
  const copy = bytes.slice().buffer;
  return new Promise<ParsedFile>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Answer>) => {
      worker.terminate();
      const a = e.data;
      if (a.ok) resolve(a.file);
      else reject(new ParseError(a.code, a.zh, a.en));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(
        new ParseError('unreadable-file', '无法读取该文件', `cannot read this file (${e.message})`),
      );
    };
    worker.postMessage({ bytes: copy, name: fileName }, [copy]);
  });
}
