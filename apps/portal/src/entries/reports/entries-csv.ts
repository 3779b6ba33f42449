import { Transform } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import { ENTRY_CSV_COLUMNS } from '@campuspass/contracts';
import { cardName } from '../../gates/gate-bundle.service.js';
import { neutraliseCell } from '../../core/http/csv-export-guard.js';
import type { EntryExportRow } from './reports.repository.js';

/** One entry as the export's row, in {@link ENTRY_CSV_COLUMNS} order. */
export function entryCsvRecord(row: EntryExportRow): string[] {
  const alumniPass = row.pass_kind === 'alumni-day';
  const guestPass = row.pass_kind === 'guest';
  const holder =
    alumniPass && row.surname !== null && row.given_name !== null
      ? cardName(row.surname, row.given_name)
      : guestPass
        ? (row.guest_name ?? '')
        : '';
  const cells = [
    row.time_hk,
    row.occurred_at.toISOString(),
    row.gate_name,
    row.type,
    row.decision ?? '',
    row.reason ?? '',
    row.pass_kind ?? '',
    holder,
    alumniPass ? (row.alumni_number ?? '') : '',
    guestPass ? (row.alumni_number ?? '') : '',
    row.passage ?? '',
    row.flags.join(';'),
    row.event_id,
  ];
  return cells.map(neutraliseCell);
}

/** Export rows → CSV records (object mode). */
export function entryRecords(): Transform {
  return new Transform({
    objectMode: true,
    transform(row: EntryExportRow, _encoding, callback) {
      callback(null, entryCsvRecord(row));
    },
  });
}

/** Records → CSV text: UTF-8 with a byte order mark (so Excel shows Chinese names), the header row first. */
export function entriesCsv(): Stringifier {
  return stringify({ bom: true, header: true, columns: [...ENTRY_CSV_COLUMNS], record_delimiter: 'windows' });
}

/**
 * Gathers the CSV's small chunks (one per record) into writes of about `bytes`, so the socket gets a few large writes
 * instead of one per row; memory stays bounded by that size.
 */
export function coalesce(bytes = 64 * 1024): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      size += chunk.length;
      if (size < bytes) return callback();
      const out = Buffer.concat(pending, size);
      pending = [];
      size = 0;
      callback(null, out);
    },
    flush(callback) {
      callback(null, size > 0 ? Buffer.concat(pending, size) : undefined);
    },
  });
}

/** The download's file name: the range (and the gate when filtered) in it. */
export function entriesCsvFileName(from: string, to: string, gateId: string | null): string {
  return `campuspass-entries_${from}_${to}${gateId ? `_gate-${gateId.slice(0, 8)}` : ''}.csv`;
}
