import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ReportGate, ReportSummary } from '@campuspass/contracts';
import { CsvExportGuard } from '../../core/http/csv-export-guard.js';
import { CurrentSubject, Roles, type Subject } from '../../identity/roles.js';
import { ReportGatesResponse, ReportSummaryResponse } from './dto/reports-response.dto.js';
import { ReportExportQuery, ReportRangeQuery } from './dto/reports.dto.js';
import { ReportsService, type EntriesExport } from './reports.service.js';

/** Reports of entries for the AAO and auditors: figures for charts, and the CSV export of every entry. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly exports: CsvExportGuard,
  ) {}

  @Get('gates')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Every gate, for the reports’ gate filter' })
  @ApiOkResponse({ type: ReportGatesResponse })
  async gates(): Promise<{ gates: readonly ReportGate[] }> {
    return { gates: await this.reports.gates() };
  }

  @Get('summary')
  @Roles('aao-admin', 'auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Visits (granted scans) per Hong Kong day and per gate, unique alumni, guests, peak hours and denials by reason, for days from–to (inclusive, at most 366)',
  })
  @ApiOkResponse({ type: ReportSummaryResponse })
  @ApiBadRequestResponse({ description: 'report-range-invalid, or a malformed from/to/gateId' })
  @ApiNotFoundResponse({ description: 'report-gate-not-found' })
  async summary(@Query() query: ReportRangeQuery): Promise<ReportSummary> {
    return this.reports.summary(await this.reports.range(query.from, query.to, query.gateId));
  }

  @Get('entries.csv')
  @Roles('aao-admin', 'auditor')
  @ApiOperation({
    summary:
      'Every entry of the range as CSV (UTF-8 with BOM), streamed from one consistent snapshot; written to the audit log. One ' +
      'export per staff member and two in all at a time (429 with Retry-After otherwise); a reader that stops reading for 30 s ' +
      'is cut off. Only same-origin requests (Sec-Fetch-Site same-origin or none; without that header, the X-CSRF-Token header ' +
      'or csrf parameter).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV: time_hk, time_utc, gate, type, decision, reason, pass_kind, holder_name, …' })
  @ApiBadRequestResponse({ description: 'report-range-invalid, or a malformed from/to/gateId' })
  @ApiForbiddenResponse({ description: 'export-same-origin-required (a cross-site request), role-refused' })
  @ApiNotFoundResponse({ description: 'report-gate-not-found' })
  @ApiTooManyRequestsResponse({ description: 'export-in-progress, exports-busy (Retry-After)' })
  async entriesCsv(
    @Query() query: ReportExportQuery,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const range = await this.reports.range(query.from, query.to, query.gateId);
    const slot = this.exports.admit(request, response, subject.id);
    let exported: EntriesExport;
    try {
      exported = await this.reports.exportEntries(range, { staffId: subject.id, ip: request.ip ?? null });
    } catch (error) {
      slot.release();
      throw error;
    }
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${exported.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    // Backpressure end to end: the socket's pace sets how fast the cursor fetches. A reader that stops reading (30 s)
    // or goes away destroys the chain, which closes the cursor and releases its connection.
    await this.exports.send(slot, exported.csv, response, 'entries');
  }
}
