import { pipeline } from 'node:stream';
import { Controller, Get, Header, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import { AuditFiltersQuery, AuditPageResponse, AuditSearchQuery, filtersOf, mapAuditPage } from './dto/audit.dto.js';
import { AuditService } from './audit.service.js';

/** The audit log for AAO admins and auditors: read-only, filterable, exportable. */
@ApiTags('admin')
@Controller('admin/audit')
export class AuditController {
  private readonly logger = new Logger('AuditExport');

  constructor(private readonly audit: AuditService) {}

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
  @ApiOperation({ summary: 'The audit log with the same filters as CSV, streamed (every matching row; the export is audited)' })
  @ApiProduces('text/csv')
  async exportCsv(
    @Query() query: AuditFiltersQuery,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const csv = await this.audit.exportCsv(filtersOf(query), { type: 'staff', id: subject.id, ip: request.ip ?? null });
    const day = new Date().toISOString().slice(0, 10);
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="campuspass-audit-${day}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    // Headers are gone once the first row is out: a later failure can only cut the download short.
    pipeline(csv, response, (error) => {
      // The reader going away is no failure; anything else cut the file short and is worth knowing about.
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn({ msg: 'audit export failed', err: error });
      }
    });
  }
}
