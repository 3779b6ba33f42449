import { describe, expect, it } from '@jest/globals';
import { neutraliseCell } from '../core/http/csv-export-guard.js';
import { decodeAuditCursor, encodeAuditCursor, parseAuditFilters } from './audit-query.js';

describe('audit filters', () => {
  it('reads an exact action or a family, an actor id or a staff email, a record id or type:id', () => {
    expect(parseAuditFilters({ action: 'gate.revoke' }).action).toEqual({ exact: 'gate.revoke' });
    expect(parseAuditFilters({ action: 'gate.*' }).action).toEqual({ prefix: 'gate.' });
    expect(parseAuditFilters({ actor: 'Ada@Example.edu' })).toEqual({ actorEmail: 'ada@example.edu' });
    expect(parseAuditFilters({ actor: ' 42 ' })).toEqual({ actorId: '42' });
    expect(parseAuditFilters({ subject: 'gate:3f2' })).toEqual({ targetType: 'gate', targetId: '3f2' });
    expect(parseAuditFilters({ subject: 'signing-key:' })).toEqual({ targetType: 'signing-key' });
    expect(parseAuditFilters({ subject: '3f2' })).toEqual({ targetId: '3f2' });
    expect(parseAuditFilters({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00+08:00' })).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-30T16:00:00Z'),
    });
    expect(parseAuditFilters({ action: '  ', actor: '' })).toEqual({});
  });

  it('reads a date alone as a Hong Kong day: from its midnight (+08:00), to the end of the to day', () => {
    expect(parseAuditFilters({ from: '2026-11-27' })).toEqual({ from: new Date('2026-11-26T16:00:00Z') });
    expect(parseAuditFilters({ to: '2026-11-27' })).toEqual({ to: new Date('2026-11-27T16:00:00Z') });
    // One day: from and to the same date is the whole Hong Kong day.
    expect(parseAuditFilters({ from: '2026-11-27', to: '2026-11-27' })).toEqual({
      from: new Date('2026-11-26T16:00:00Z'),
      to: new Date('2026-11-27T16:00:00Z'),
    });
    // Across a month and a year's end.
    expect(parseAuditFilters({ to: '2026-12-31' })).toEqual({ to: new Date('2026-12-31T16:00:00Z') });
    expect(() => parseAuditFilters({ from: '2026-02-30' })).toThrow(/^from: "2026-02-30" is not a calendar day/);
    // A date-time must say its offset (else whose 10:00?).
    expect(() => parseAuditFilters({ from: '2026-11-27T10:00' })).toThrow(/^from: .*with an offset/);
  });

  it('refuses control characters (NUL) in any text filter, naming the parameter', () => {
    for (const [parameter, value] of [
      ['actor', 'x\u0000y'],
      ['subject', 'gate:\u0000'],
      ['action', 'gate.\u001brevoke'],
      ['to', '2026-11-27\u0000'],
    ] as const) {
      expect(() => parseAuditFilters({ [parameter]: value })).toThrow(new RegExp(`^${parameter}: contains a control character`));
    }
  });

  it('names the parameter that is wrong and the form it expects', () => {
    expect(() => parseAuditFilters({ action: 'gate.**' })).toThrow(/^action: .*gate\.\*/);
    expect(() => parseAuditFilters({ action: '*' })).toThrow(/^action:/);
    expect(() => parseAuditFilters({ from: 'last week' })).toThrow(/^from: .*ISO 8601/);
    expect(() => parseAuditFilters({ to: '2026-13-45' })).toThrow(/^to:/);
    expect(() => parseAuditFilters({ from: '2026-02-01', to: '2026-01-01' })).toThrow('to: must be later than from.');
    expect(() => parseAuditFilters({ actorType: 'robot' as 'gate' })).toThrow(/^actorType: must be one of/);
  });
});

describe('audit cursors', () => {
  it('round-trip, and refuse anything the portal did not give out', () => {
    const cursor = { occurredAt: '2026-11-27T03:11:39.123456Z', id: '9007199254740993' };
    expect(decodeAuditCursor(encodeAuditCursor(cursor))).toEqual(cursor);
    for (const bad of [
      '',
      'x',
      Buffer.from('["2026-11-27", "1"]').toString('base64url'),
      Buffer.from('["2026-11-27T03:11:39.123456Z", 1]').toString('base64url'),
    ]) {
      expect(() => decodeAuditCursor(bad)).toThrow(/^cursor: /);
    }
  });
});

describe('CSV cells', () => {
  it('neutralises what a spreadsheet would run as a formula, and leaves the rest', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx'].map(neutraliseCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
    ]);
    expect(['gate.revoke', '陳大文', '{"a":1}', '', '203.0.113.7'].map(neutraliseCell)).toEqual([
      'gate.revoke',
      '陳大文',
      '{"a":1}',
      '',
      '203.0.113.7',
    ]);
  });
});
