import {
  Controller,
  HttpCode,
  Injectable,
  PayloadTooLargeException,
  Post,
  Req,
  UploadedFile,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { AuditService } from '../admin/audit.service.js';
import { DomainException } from '../core/http/domain.exception.js';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { formatBytes } from './registry-csv.js';
import { isRegistryImportException } from './registry.exception.js';
import { REGISTRY_IMPORT_DEFAULTS, RegistryService, type RegistryImportReport } from './registry.service.js';

/** The largest registry file an upload may carry (the import's own cap, so both refuse the same files). */
export const REGISTRY_UPLOAD_MAX_BYTES = REGISTRY_IMPORT_DEFAULTS.maxBytes;

export type RegistryUploadErrorCode = 'file-missing' | 'not-csv' | 'file-too-large';

const UPLOAD_STATUS: Record<RegistryUploadErrorCode, number> = { 'file-missing': 400, 'not-csv': 400, 'file-too-large': 413 };

/** An upload refused before the import read it; nothing was imported. */
export class RegistryUploadException extends DomainException<RegistryUploadErrorCode> {
  get httpStatus(): number {
    return UPLOAD_STATUS[this.code];
  }
}

/** What multer keeps of an uploaded file (memory storage). */
export interface UploadedCsv {
  originalname: string;
  size: number;
  buffer: Buffer;
}

const SAVE_AS_CSV = 'Save the sheet as "CSV UTF-8 (comma delimited)" and upload that file.';

const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive or an Excel workbook (.xlsx)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old-style Excel workbook (.xls)' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text' },
];

/**
 * Why these bytes are not a CSV file, or undefined when they are text a CSV reader can take: UTF-8 (a BOM is
 * fine) without NUL bytes. Judged by the content, whatever the file's name or declared type says.
 */
export function notCsvReason(content: Buffer): string | undefined {
  const known = SIGNATURES.find(({ bytes }) => bytes.every((byte, index) => content[index] === byte));
  if (known) return `The file is ${known.what}, not a CSV file. ${SAVE_AS_CSV}`;
  if (content.includes(0)) return `The file holds binary data, not CSV text. ${SAVE_AS_CSV}`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return `The file is not UTF-8 text (it may be saved as Big5 or another encoding). ${SAVE_AS_CSV}`;
  }
  return undefined;
}

/** Multer (memory storage, one file, 50 MB cap) whose refusal of a larger file says what to do. */
@Injectable()
export class RegistryFileInterceptor extends FileInterceptor('file', {
  limits: { fileSize: REGISTRY_UPLOAD_MAX_BYTES, files: 1, fields: 10 },
}) {
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) {
        throw new RegistryUploadException(
          'file-too-large',
          `The file is larger than ${formatBytes(REGISTRY_UPLOAD_MAX_BYTES)}; split it and upload the parts. Nothing was imported.`,
          { maxBytes: REGISTRY_UPLOAD_MAX_BYTES },
        );
      }
      throw error;
    }
  }
}

/**
 * Registry uploads by AAO admins. Kept in this file (with the controller) while the alumni domain's other
 * files are someone else's; it can move to its own registry-upload.service.ts.
 */
@Injectable()
export class RegistryUploadService {
  constructor(
    private readonly registry: RegistryService,
    private readonly audit: AuditService,
  ) {}

  /** Checks the file is CSV text, imports it (one transaction) and audits the outcome with counts only. */
  async importUpload(file: UploadedCsv | undefined, actor: { staffId: string; ip: string | null }): Promise<RegistryImportReport> {
    if (!file) {
      throw new RegistryUploadException('file-missing', 'Choose a CSV file to upload (multipart form field "file").');
    }
    const refusal = notCsvReason(file.buffer);
    if (refusal) {
      await this.record(actor, 'failure', { reason: 'not-csv', bytes: file.size });
      throw new RegistryUploadException('not-csv', refusal);
    }
    let report: RegistryImportReport;
    try {
      report = await this.registry.importCsv(Readable.from([file.buffer]));
    } catch (error) {
      if (isRegistryImportException(error)) {
        await this.record(actor, 'failure', { reason: error.code, bytes: file.size });
      }
      throw error;
    }
    // Counts only: the report's reasons may quote a row (names, numbers), which the audit log must not hold.
    await this.record(actor, 'success', {
      bytes: file.size,
      rowsRead: report.rowsRead,
      rowsImported: report.imported.rows,
      graduatesInserted: report.imported.graduates.inserted,
      graduatesUpdated: report.imported.graduates.updated,
      awardsInserted: report.imported.awards.inserted,
      awardsUpdated: report.imported.awards.updated,
      rejectedCount: report.rejectedCount,
    });
    return report;
  }

  private async record(actor: { staffId: string; ip: string | null }, outcome: 'success' | 'failure', details: Record<string, unknown>) {
    await this.audit.record({
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'registry.import',
      targetType: 'graduate-registry',
      outcome,
      ip: actor.ip,
      details,
    });
  }
}

export class RejectedRowResponse {
  @ApiProperty({ description: 'Line of the file the row starts on (the header is line 1)' })
  line!: number;
  @ApiProperty()
  reason!: string;
}

export class InsertedUpdatedResponse {
  @ApiProperty()
  inserted!: number;
  @ApiProperty()
  updated!: number;
}

export class ImportedCountsResponse {
  @ApiProperty({ description: 'Rows written (each an award of a graduate)' })
  rows!: number;
  @ApiProperty({ type: InsertedUpdatedResponse })
  graduates!: InsertedUpdatedResponse;
  @ApiProperty({ type: InsertedUpdatedResponse })
  awards!: InsertedUpdatedResponse;
}

export class RegistryImportReportResponse {
  @ApiProperty({ description: 'Data rows read (header and blank rows not counted)' })
  rowsRead!: number;
  @ApiProperty({ type: ImportedCountsResponse })
  imported!: ImportedCountsResponse;
  @ApiProperty({ type: [RejectedRowResponse], description: 'The first 1000 rejected rows, in file order' })
  rejected!: RejectedRowResponse[];
  @ApiProperty({ description: 'All rejected rows, listed or not' })
  rejectedCount!: number;
}

export function mapImportReport(report: RegistryImportReport): RegistryImportReportResponse {
  return {
    rowsRead: report.rowsRead,
    imported: {
      rows: report.imported.rows,
      graduates: { inserted: report.imported.graduates.inserted, updated: report.imported.graduates.updated },
      awards: { inserted: report.imported.awards.inserted, updated: report.imported.awards.updated },
    },
    rejected: report.rejected.map((row) => ({ line: row.line, reason: row.reason })),
    rejectedCount: report.rejectedCount,
  };
}

@ApiTags('admin')
@Controller('admin/registry/imports')
@Roles('aao-admin')
export class RegistryUploadController {
  constructor(private readonly uploads: RegistryUploadService) {}

  @Post()
  @HttpCode(200)
  @UseInterceptors(RegistryFileInterceptor)
  @ApiOperation({
    summary: 'Import a graduate registry CSV (AAO admins): good rows are written, bad rows listed with line and reason',
    description: 'A file refused as a whole (not CSV, over 50 MB, bad header, malformed) writes nothing: 400, or 413 when too large.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: RegistryImportReportResponse })
  async upload(
    @UploadedFile() file: UploadedCsv | undefined,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<RegistryImportReportResponse> {
    const report = await this.uploads.importUpload(file, { staffId: subject.id, ip: request.ip ?? null });
    return mapImportReport(report);
  }
}
