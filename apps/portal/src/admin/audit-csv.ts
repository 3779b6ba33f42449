import { pipeline, Transform, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { neutraliseCell } from '../core/http/csv-export-guard.js';
import type { AuditRow } from './audit.repository.js';

/** The export's columns, in order (the header line). */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'actor_email',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'ip',
  'details',
] as const;

export function auditCsvCells(row: AuditRow): string[] {
  return [
    row.id,
    row.occurredAt.toISOString(),
    row.actorType,
    row.actorId ?? '',
    row.actorName ?? '',
    row.actorEmail ?? '',
    row.action,
    row.targetType ?? '',
    row.targetId ?? '',
    row.outcome,
    row.ip ?? '',
    JSON.stringify(row.details ?? {}),
  ].map(neutraliseCell);
}

/**
 * CSV text (UTF-8 with a byte-order mark, so spreadsheets read Chinese names right) of audit rows, streamed:
 * backpressure reaches the row source, so memory stays flat however many rows there are. Destroying the CSV
 * stream destroys the rows (no more pages are read).
 */
export function auditCsv(rows: Readable): Readable {
  const toCells = new Transform({
    objectMode: true,
    transform(row: AuditRow, _encoding, callback) {
      callback(null, auditCsvCells(row));
    },
  });
  const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS], bom: true });
  pipeline(rows, toCells, csv, () => undefined);
  return csv;
}
