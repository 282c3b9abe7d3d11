/// <reference lib="webworker" />
/**
 * Worker entry: parses one file off the server's main thread, so a large upload never
 * stalls other requests. Receives `{ bytes, name }`, answers `{ ok, file }` or `{ ok: false, … }`.
 */
import { ParseError } from './limits.ts';
import { parseFile } from './parse-file.ts';

declare const self: Worker;

self.onmessage = async (e: MessageEvent<{ bytes: ArrayBuffer; name: string }>) => {
  try {
    const file = await parseFile(new Uint8Array(e.data.bytes), e.data.name);
    self.postMessage({ ok: true, file });
  } catch (err) {
    if (err instanceof ParseError) {
      self.postMessage({ ok: false, code: err.code, zh: err.zh, en: err.en });
    } else {
      self.postMessage({
        ok: false,
        code: 'unreadable-file',
        zh: '无法读取该文件',
        en: `cannot read this file (${err instanceof Error ? err.message : String(err)})`,
      });
    }
  }
};
