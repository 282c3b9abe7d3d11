/** Limits of one import, stated in the UI and enforced before anything is written. */
export const IMPORT_LIMITS = {
  /** Bytes of the uploaded file. */
  maxFileBytes: 50 * 1024 * 1024,
  /** Data rows (after the header row) over all the sheet's rows. */
  maxRows: 100_000,
  /** Bytes an .xlsx may decompress to (a zip bomb stops here). */
  maxUnzippedBytes: 400 * 1024 * 1024,
  /** Columns of one sheet. */
  maxColumns: 200,
} as const;

/** A file the parser refuses, with a stable code and a message in both languages. */
export class ParseError extends Error {
  constructor(
    readonly code:
      | 'file-too-large'
      | 'too-many-rows'
      | 'too-many-columns'
      | 'zip-too-large'
      | 'unsupported-file'
      | 'unreadable-file'
      | 'empty-file',
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}
