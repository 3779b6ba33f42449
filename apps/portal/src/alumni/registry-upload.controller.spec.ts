import { jest } from '@jest/globals';
import type { AuditService } from '../admin/audit.service.js';
import { notCsvReason, RegistryUploadService } from './registry-upload.controller.js';
import { RegistryImportException } from './registry.exception.js';
import type { RegistryImportReport, RegistryService } from './registry.service.js';

const CSV = 'student_number,surname\n1,陳\n';
const REPORT: RegistryImportReport = {
  rowsRead: 2,
  imported: { rows: 1, graduates: { inserted: 1, updated: 0 }, awards: { inserted: 1, updated: 0 } },
  rejected: [{ line: 3, reason: 'date_of_birth 1990-02-30 is not a real date' }],
  rejectedCount: 1,
};

describe('notCsvReason', () => {
  it('accepts UTF-8 text, with or without a BOM', () => {
    expect(notCsvReason(Buffer.from(CSV))).toBeUndefined();
    expect(notCsvReason(Buffer.from(`\ufeff${CSV}`))).toBeUndefined();
  });

  it.each([
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a], 'a PNG image'],
    [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
    [[0x50, 0x4b, 0x03, 0x04], 'an Excel workbook (.xlsx)'],
    [[0xff, 0xfe, 0x73, 0x00], 'UTF-16 text'],
  ])('names what a known binary file is: %j', (bytes, what) => {
    expect(notCsvReason(Buffer.from(bytes))).toContain(what);
  });

  it('refuses NUL bytes and text that is not UTF-8', () => {
    expect(notCsvReason(Buffer.from('a,b\n\u0000'))).toMatch(/binary data/);
    expect(notCsvReason(Buffer.from([0x61, 0x2c, 0xb3, 0xaf, 0x0a]))).toMatch(/not UTF-8/);
  });
});

describe('RegistryUploadService', () => {
  function setUp() {
    const registry = { importCsv: jest.fn(async () => REPORT) };
    const audit = { record: jest.fn(async () => ({})) };
    const service = new RegistryUploadService(registry as unknown as RegistryService, audit as unknown as AuditService);
    return { registry, audit, service };
  }
  const actor = { staffId: 'staff-1', ip: '127.0.0.1' };
  const file = (content: string | Buffer) => {
    const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
    return { originalname: 'x.csv', size: buffer.length, buffer };
  };

  it('imports and audits counts only (never the reasons, which may quote a row)', async () => {
    const { service, audit } = setUp();
    await expect(service.importUpload(file(CSV), actor)).resolves.toBe(REPORT);
    expect(audit.record).toHaveBeenCalledWith({
      actorType: 'staff',
      actorId: 'staff-1',
      action: 'registry.import',
      targetType: 'graduate-registry',
      outcome: 'success',
      ip: '127.0.0.1',
      details: {
        bytes: Buffer.byteLength(CSV),
        rowsRead: 2,
        rowsImported: 1,
        graduatesInserted: 1,
        graduatesUpdated: 0,
        awardsInserted: 1,
        awardsUpdated: 0,
        rejectedCount: 1,
      },
    });
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('1990-02-30');
  });

  it('refuses a missing file and a non-CSV one before importing', async () => {
    const { service, registry, audit } = setUp();
    await expect(service.importUpload(undefined, actor)).rejects.toMatchObject({ code: 'file-missing', httpStatus: 400 });
    await expect(service.importUpload(file(Buffer.from([0x89, 0x50, 0x4e, 0x47])), actor)).rejects.toMatchObject({
      code: 'not-csv',
      httpStatus: 400,
    });
    expect(registry.importCsv).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'failure', details: { reason: 'not-csv', bytes: 4 } }));
  });

  it('audits a file the import refused as a whole and passes the refusal on', async () => {
    const { service, registry, audit } = setUp();
    registry.importCsv.mockRejectedValueOnce(new RegistryImportException('bad-header', 'line 1: …', { line: 1 }));
    await expect(service.importUpload(file(CSV), actor)).rejects.toMatchObject({ code: 'bad-header' });
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'failure', details: { reason: 'bad-header', bytes: Buffer.byteLength(CSV) } }),
    );
  });
});
