import type { Readable } from 'node:stream';
import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { CsvExportGuard } from '../core/http/csv-export-guard.js';
import { AuditExportQuery, AuditPageResponse, AuditSearchQuery, filtersOf, mapAuditPage } from './dto/audit.dto.js';
import { AuditService } from './audit.service.js';

/** The audit log for AAO admins and auditors: read-only, filterable, exportable. */
@ApiTags('admin')
@Controller('admin/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly exports: CsvExportGuard,
  ) {}

  @Get()
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The audit log, newest first, filtered; keyset pages (pass nextCursor as cursor)' })
  @ApiOkResponse({ type: AuditPageResponse })
  async search(@Query() query: AuditSearchQuery): Promise<AuditPageResponse> {
    return mapAuditPage(await this.audit.search(filtersOf(query), query.cursor, query.limit));
  }

  @Get('export.csv')
  @Roles('aao-admin', 'auditor')
  @ApiOperation({
    summary:
      'The audit log with the same filters as CSV, streamed (every matching row; the export is audited). One export per staff ' +
      'member and two in all at a time (429 with Retry-After otherwise); a reader that stops reading for 30 s is cut off. ' +
      'Only same-origin requests (Sec-Fetch-Site same-origin or none; without that header, the X-CSRF-Token header or csrf parameter).',
  })
  @ApiProduces('text/csv')
  @ApiForbiddenResponse({ description: 'export-same-origin-required (a cross-site request), role-refused' })
  @ApiTooManyRequestsResponse({ description: 'export-in-progress, exports-busy (Retry-After)' })
  async exportCsv(
    @Query() query: AuditExportQuery,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const slot = this.exports.admit(request, response, subject.id);
    let csv: Readable;
    try {
      csv = await this.audit.exportCsv(filtersOf(query), { type: 'staff', id: subject.id, ip: request.ip ?? null });
    } catch (error) {
      slot.release();
      throw error;
    }
    const day = hongKongDay(new Date());
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="campuspass-audit-${day}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    // Headers are gone once the first row is out: a later failure can only cut the download short.
    await this.exports.send(slot, csv, response, 'audit');
  }
}

/** YYYY-MM-DD of the instant in Hong Kong. */
function hongKongDay(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}
