import { describe, expect, it } from '@jest/globals';
import { neutraliseCell } from '../../core/http/csv-export-guard.js';
import { entriesCsvFileName, entryCsvRecord } from './entries-csv.js';
import type { EntryExportRow } from './reports.repository.js';

const row = (overrides: Partial<EntryExportRow> = {}): EntryExportRow => ({
  event_id: '3f0c2a8e-0000-4000-8000-000000000001',
  occurred_at: new Date('2026-09-01T16:00:00.000Z'),
  time_hk: '2026-09-02 00:00:00',
  gate_name: 'North Entrance',
  type: 'scan',
  decision: 'granted',
  reason: null,
  pass_kind: 'alumni-day',
  passage: null,
  flags: [],
  surname: '陳',
  given_name: '大文',
  alumni_number: 'A00000001',
  guest_name: null,
  ...overrides,
});

describe('entries CSV', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(neutraliseCell('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    expect(neutraliseCell('+85291234567')).toBe(`'+85291234567`);
    expect(neutraliseCell('-2+3')).toBe(`'-2+3`);
    expect(neutraliseCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutraliseCell('\t=1')).toBe(`'\t=1`);
    expect(neutraliseCell('陳大文')).toBe('陳大文');
    expect(neutraliseCell('Mary = Anne')).toBe('Mary = Anne');
  });

  it('names the holder as on the eCard, with the alumni number of the holder or of the host', () => {
    expect(entryCsvRecord(row())).toEqual([
      '2026-09-02 00:00:00',
      '2026-09-01T16:00:00.000Z',
      'North Entrance',
      'scan',
      'granted',
      '',
      'alumni-day',
      '陳大文',
      'A00000001',
      '',
      '',
      '',
      '3f0c2a8e-0000-4000-8000-000000000001',
    ]);
    const guest = entryCsvRecord(row({ pass_kind: 'guest', guest_name: '=1+1', flags: ['two-gates', 'clock-untrusted'] }));
    expect(guest.slice(7, 10)).toEqual([`'=1+1`, '', 'A00000001']);
    expect(guest[11]).toBe('two-gates;clock-untrusted');
    const noPass = entryCsvRecord(
      row({ pass_kind: null, type: 'manual-open', decision: null, surname: null, given_name: null, alumni_number: null }),
    );
    expect(noPass.slice(3, 10)).toEqual(['manual-open', '', '', '', '', '', '']);
  });

  it('puts the range (and the gate) in the file name', () => {
    expect(entriesCsvFileName('2026-09-01', '2026-09-30', null)).toBe('campuspass-entries_2026-09-01_2026-09-30.csv');
    expect(entriesCsvFileName('2026-09-01', '2026-09-30', 'abcdef12-0000-4000-8000-000000000000')).toBe(
      'campuspass-entries_2026-09-01_2026-09-30_gate-abcdef12.csv',
    );
  });
});
