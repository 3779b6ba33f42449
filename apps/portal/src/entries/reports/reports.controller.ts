import { Controller, Get, Header, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { ReportGate, ReportSummary } from '@campuspass/contracts';
import { CurrentSubject, Roles, type Subject } from '../../identity/roles.js';
import { ReportGatesResponse, ReportSummaryResponse } from './dto/reports-response.dto.js';
import { ReportRangeQuery } from './dto/reports.dto.js';
import { ReportsService } from './reports.service.js';

/** Reports of entries for the AAO and auditors: figures for charts, and the CSV export of every entry. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  private readonly logger = new Logger('Reports');

  constructor(private readonly reports: ReportsService) {}

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
  @ApiOperation({ summary: 'Every entry of the range as CSV (UTF-8 with BOM), streamed; written to the audit log' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV: time_hk, time_utc, gate, type, decision, reason, pass_kind, holder_name, …' })
  @ApiBadRequestResponse({ description: 'report-range-invalid, or a malformed from/to/gateId' })
  @ApiNotFoundResponse({ description: 'report-gate-not-found' })
  async entriesCsv(
    @Query() query: ReportRangeQuery,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const range = await this.reports.range(query.from, query.to, query.gateId);
    const exported = await this.reports.exportEntries(range, { staffId: subject.id, ip: request.ip ?? null });
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${exported.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    try {
      // Backpressure end to end: the socket's pace sets how fast the cursor fetches. A client that goes away
      // destroys the chain, which closes the cursor and releases its connection.
      await pipeline(exported.csv, response);
    } catch (error) {
      if (!response.destroyed) response.destroy();
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.error({ msg: 'entries export failed', from: range.from, to: range.to, err: error });
      }
    }
  }
}
