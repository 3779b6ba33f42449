import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS, type RegistryColumn } from './registry-row.js';
import { isRegistryImportException, RegistryImportException } from './registry.exception.js';

export interface RegistryCsvLimits {
  /** Bytes the whole file may hold. */
  maxBytes: number;
  /** Characters one row may hold (a row that long is usually an unclosed quote swallowing the lines after it). */
  maxRowLength: number;
}

/** A data row by column name, or a row whose shape is wrong; `line` is where the row starts (the header is line 1). */
export type RegistryCsvRow =
  | { line: number; values: Partial<Record<RegistryColumn, string>>; problem?: undefined }
  | { line: number; problem: string; values?: undefined };

export interface RegistryCsv {
  /** The optional columns the header names: an absent column leaves the stored value alone on re-import. */
  readonly optionalColumns: ReadonlySet<RegistryColumn>;
  readonly rows: AsyncIterable<RegistryCsvRow>;
}

const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);

/**
 * Reads a registry CSV as a stream (csv-parse's stream API, never the whole file in memory): checks the
 * header, then yields one row at a time. Throws RegistryImportException for a file that cannot be read as a
 * whole: too large, unreadable, malformed (unbalanced quotes), a row over the length cap, a bad header.
 */
export async function openRegistryCsv(source: Readable, limits: RegistryCsvLimits): Promise<RegistryCsv> {
  // The line the parser last finished a row on. Records may still wait in the stream's buffer (and are
  // dropped when the parser fails), so a parse error is placed after this line, not after the last row read.
  const state = { parsedLine: 0 };
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    // Field counts are checked per row (a short row is a rejected row, not a broken file).
    relax_column_count: true,
    max_record_size: limits.maxRowLength,
    on_record: (record, context) => {
      state.parsedLine = context.lines;
      return record;
    },
  });
  // pipeline() destroys every stream when one fails, so a size or read error ends the parser's iteration too.
  pipeline(source, byteLimit(limits.maxBytes), parser, () => undefined);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;

  let header: string[];
  try {
    const first = await next(records, state, limits);
    if (!first) throw new RegistryImportException('empty-file', 'The file is empty: expected a header line and rows.', { line: 1 });
    header = first.record.map((name) => name.trim().toLowerCase());
    checkHeader(header);
  } catch (error) {
    parser.destroy();
    throw error;
  }

  async function* rows(): AsyncGenerator<RegistryCsvRow> {
    try {
      for (;;) {
        const item = await next(records, state, limits);
        if (!item) return;
        const { record, line } = item;
        // Blank rows that spreadsheets leave behind (",,,,,") are not data.
        if (record.every((field) => field.trim() === '')) continue;
        if (record.length !== header.length) {
          yield { line, problem: `has ${record.length} fields, expected ${header.length} (${header.join(',')})` };
          continue;
        }
        const values: Partial<Record<RegistryColumn, string>> = {};
        header.forEach((name, index) => (values[name as RegistryColumn] = record[index]));
        yield { line, values };
      }
    } finally {
      parser.destroy();
    }
  }

  return {
    optionalColumns: new Set(OPTIONAL_COLUMNS.filter((column) => header.includes(column))),
    rows: rows(),
  };
}

async function next(
  records: AsyncIterator<{ record: string[]; info: { lines: number } }>,
  state: { parsedLine: number },
  limits: RegistryCsvLimits,
): Promise<{ record: string[]; line: number } | undefined> {
  let result: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    result = await records.next();
  } catch (error) {
    throw toImportException(error, state.parsedLine + 1, limits);
  }
  if (result.done) return undefined;
  const { record, info } = result.value;
  // info.lines is the line the record ends on; a quoted field may span lines.
  const spanned = record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
  return { record, line: info.lines - spanned };
}

function checkHeader(header: string[]): void {
  const expected = `Expected ${REQUIRED_COLUMNS.join(',')} and optionally ${OPTIONAL_COLUMNS.join(',')}.`;
  // A file without a header starts with a person's row: say so without echoing it (it may hold an HKID number).
  if (!header.some((name) => KNOWN_COLUMNS.has(name))) {
    throw new RegistryImportException('bad-header', `line 1: the file does not start with a header line. ${expected}`, { line: 1 });
  }
  const problems: string[] = [];
  const unknown = header.flatMap((name, index) => (KNOWN_COLUMNS.has(name) ? [] : [showColumnName(name, index)]));
  if (unknown.length) problems.push(`unknown column(s) ${unknown.join(', ')}`);
  const duplicated = header.filter((name, index) => header.indexOf(name) !== index);
  if (duplicated.length) problems.push(`column(s) named twice: ${[...new Set(duplicated)].join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length) problems.push(`missing column(s) ${missing.join(', ')}`);
  if (problems.length) {
    throw new RegistryImportException(
      'bad-header',
      `line 1: the header is not a graduate registry header: ${problems.join('; ')}. ${expected}`,
      { line: 1 },
    );
  }
}

/** A column name as typed when it looks like one (a typo to fix), else only its position. */
function showColumnName(name: string, index: number): string {
  return /^[a-z][a-z_ ]{0,39}$/.test(name) ? JSON.stringify(name) : `column ${index + 1}`;
}

/** Our own messages: csv-parse's quote the offending field, which may be a personal ID number. */
function toImportException(error: unknown, nextLine: number, limits: RegistryCsvLimits): RegistryImportException {
  if (isRegistryImportException(error)) return error;
  if (error instanceof CsvError) {
    const at = typeof error.lines === 'number' ? error.lines : nextLine;
    switch (error.code) {
      case 'CSV_MAX_RECORD_SIZE':
        return new RegistryImportException(
          'row-too-long',
          `line ${nextLine}: the row is longer than ${limits.maxRowLength} characters (or a quote opened on this line is never closed)`,
          { line: nextLine },
        );
      case 'CSV_QUOTE_NOT_CLOSED':
        return new RegistryImportException(
          'malformed-csv',
          `line ${nextLine}: a quoted field opened on or after this line is never closed`,
          {
            line: nextLine,
          },
        );
      case 'INVALID_OPENING_QUOTE':
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new RegistryImportException(
          'malformed-csv',
          `line ${at}: a double quote inside a field; put the whole field in double quotes and double the quotes inside it ("")`,
          { line: at },
        );
      default:
        return new RegistryImportException('malformed-csv', `line ${at}: the file is not valid CSV (${error.code})`, { line: at });
    }
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new RegistryImportException('unreadable', `The file could not be read: ${reason}`);
}

/** Passes bytes through until more than `maxBytes` have gone by, then fails the stream. */
function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (seen > maxBytes) {
        callback(
          new RegistryImportException('file-too-large', `The file is larger than ${formatBytes(maxBytes)}; split it and import the parts.`),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB` : `${bytes} bytes`;
}
