import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Sse,
  StreamableFile,
  UseFilters,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import type { EntrySearchPage, GateTile, HandheldVerdict, SecurityAlert } from '@campuspass/contracts';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import type { AlertState } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { AcknowledgeAlertDto, HandheldCheckDto } from './dto/security.dto.js';
import { HandheldService } from './handheld.service.js';
import { SecurityFeedStream } from './security-feed-stream.js';
import { SecurityException } from './security.exception.js';
import { SecurityService, type EntrySearchQuery } from './security.service.js';

const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'all'];

/** The security dashboard's API (libs/contracts security-api.ts): security staff only. */
@ApiTags('security')
@Controller('security')
@Roles('security-staff')
// Rate-limited handheld checks (the identity module's limiter) carry Retry-After.
@UseFilters(IdentityExceptionFilter)
export class SecurityController {
  constructor(
    private readonly security: SecurityService,
    private readonly alerts: AlertsService,
    private readonly handheld: HandheldService,
    private readonly feed: SecurityFeedStream,
  ) {}

  @Get('gates')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Turnstile gates as tiles: online (heartbeat within the threshold), health, latest scan' })
  async gates(): Promise<{ gates: GateTile[] }> {
    return { gates: await this.security.gates() };
  }

  @Sse('feed')
  @ApiOperation({
    summary:
      'Server-sent events: `entry` (LiveEntry) for every stored scan, `alert` (SecurityAlert) raised or changed, `ping` every 15 s; starts with the entries of the last 10 minutes',
  })
  @ApiProduces('text/event-stream')
  feedStream(): Observable<MessageEvent> {
    return this.feed.events();
  }

  @Get('entries')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Search entries by person (name or alumni number), pass, gate, decision and time; newest first, by cursor' })
  @ApiQuery({ name: 'q', required: false, description: 'Part of a name (alumnus or guest), or an alumni number' })
  @ApiQuery({ name: 'passId', required: false, description: '32 hex digits' })
  @ApiQuery({ name: 'gateId', required: false })
  @ApiQuery({ name: 'decision', required: false, enum: ['granted', 'denied'] })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 with a time zone' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 with a time zone' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' })
  @ApiBadRequestResponse({ description: 'security-query-invalid' })
  entries(@Query() query: EntrySearchQuery): Promise<EntrySearchPage> {
    return this.security.search(query);
  }

  @Get('alerts')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Alerts: open ones first, then acknowledged (state=open|acknowledged|all, default open)' })
  @ApiQuery({ name: 'state', required: false, enum: ALERT_STATES })
  @ApiBadRequestResponse({ description: 'security-query-invalid' })
  async alertList(@Query('state') state: unknown): Promise<{ alerts: SecurityAlert[] }> {
    if (state !== undefined && !ALERT_STATES.includes(state as AlertState)) {
      throw new SecurityException('security-query-invalid', 'state must be open, acknowledged or all.');
    }
    return { alerts: await this.alerts.list((state as AlertState | undefined) ?? 'open') };
  }

  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Acknowledge an open alert with a note (audited); the next occurrence opens a new alert' })
  @ApiNotFoundResponse({ description: 'alert-not-found' })
  @ApiConflictResponse({ description: 'alert-already-acknowledged' })
  acknowledge(
    @Param('id', new ParseIntPipe({ exceptionFactory: () => new SecurityException('alert-not-found', 'Alert ids are whole numbers.') }))
    id: number,
    @Body() body: AcknowledgeAlertDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<SecurityAlert> {
    return this.alerts.acknowledge(String(id), body.note, { staffId: subject.id, ip: request.ip ?? null });
  }

  @Post('handheld/check')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Check a scanned pass at a side door: verdict and holder; recorded as an entry of the handheld location' })
  @ApiTooManyRequestsResponse({ description: 'rate-limited' })
  handheldCheck(@Body() body: HandheldCheckDto, @CurrentSubject() subject: Subject): Promise<HandheldVerdict> {
    return this.handheld.check({ qr: body.qr, location: body.location, staffId: subject.id });
  }

  @Get('ecards/:ecardId/photo')
  @Header('Cache-Control', 'private, max-age=300')
  @ApiOperation({ summary: "A pass holder's (or host's) eCard thumbnail, JPEG" })
  @ApiOkResponse({ content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'photo-not-found' })
  async photo(
    @Param(
      'ecardId',
      new ParseIntPipe({ exceptionFactory: () => new SecurityException('photo-not-found', 'eCard ids are whole numbers.') }),
    )
    ecardId: number,
  ): Promise<StreamableFile> {
    return new StreamableFile(await this.security.holderPhoto(ecardId), { type: 'image/jpeg' });
  }
}
