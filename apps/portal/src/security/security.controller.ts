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
  UseInterceptors,
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
import type { AlertPage, EntryPoint, EntrySearchPage, GateTile, HandheldVerdict, SecurityAlert } from '@campuspass/contracts';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { CurrentSubject, REQUEST_IDENTITY, Roles, type RequestWithIdentity, type Subject } from '../identity/roles.js';
import type { AlertState } from './alerts.repository.js';
import { ALERT_LIST_LIMIT, AlertsService } from './alerts.service.js';
import { AcknowledgeAlertDto, HandheldCheckDto } from './dto/security.dto.js';
import { HandheldService } from './handheld.service.js';
import { SecurityFeedStream } from './security-feed-stream.js';
import { ControlCharacterInterceptor } from './security-input.js';
import { SecurityException } from './security.exception.js';
import { SecurityService, type EntrySearchQuery } from './security.service.js';

const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'all'];

/** The security dashboard's API (libs/contracts security-api.ts): security staff only. */
@ApiTags('security')
@Controller('security')
@Roles('security-staff')
// Rate-limited handheld checks (the identity module's limiter) carry Retry-After.
@UseFilters(IdentityExceptionFilter)
// Control characters (NUL ...) in any query parameter or body field: 400, never a database error.
@UseInterceptors(ControlCharacterInterceptor)
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

  @Get('entry-points')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Turnstile gates and handheld points (kind), for the entry search gate filter' })
  async entryPoints(): Promise<{ points: EntryPoint[] }> {
    return { points: await this.security.entryPoints() };
  }

  @Sse('feed')
  @ApiOperation({
    summary:
      'Server-sent events: `entry` (LiveEntry) for every stored scan, `alert` (SecurityAlert) raised or changed, `ping` every 15 s; starts with the entries of the last 10 minutes. Ends when the session ends or after 15 minutes (EventSource reconnects); 5 streams per session',
  })
  @ApiProduces('text/event-stream')
  @ApiTooManyRequestsResponse({ description: 'feed-streams-exhausted' })
  feedStream(@Req() request: Request & RequestWithIdentity): Observable<MessageEvent> {
    return this.feed.events({ token: request[REQUEST_IDENTITY]!.token });
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
  @ApiTooManyRequestsResponse({ description: 'rate-limited' })
  entries(@Query() query: EntrySearchQuery, @CurrentSubject() subject: Subject): Promise<EntrySearchPage> {
    return this.security.search(query, subject.id);
  }

  @Get('alerts')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Alerts: open ones first, then acknowledged (state=open|acknowledged|all, default open); keyset paged by cursor',
  })
  @ApiQuery({ name: 'state', required: false, enum: ALERT_STATES })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: `1..${ALERT_LIST_LIMIT}, default ${ALERT_LIST_LIMIT}` })
  @ApiBadRequestResponse({ description: 'security-query-invalid' })
  async alertList(@Query('state') state: unknown, @Query('cursor') cursor: unknown, @Query('limit') limit: unknown): Promise<AlertPage> {
    if (state !== undefined && !ALERT_STATES.includes(state as AlertState)) {
      throw new SecurityException('security-query-invalid', 'state must be open, acknowledged or all.');
    }
    if (cursor !== undefined && typeof cursor !== 'string')
      throw new SecurityException('security-query-invalid', 'cursor must be given once.');
    let size = ALERT_LIST_LIMIT;
    if (limit !== undefined) {
      size = Number(limit);
      if (typeof limit !== 'string' || !/^\d+$/.test(limit) || size < 1 || size > ALERT_LIST_LIMIT) {
        throw new SecurityException('security-query-invalid', `limit must be a whole number from 1 to ${ALERT_LIST_LIMIT}.`);
      }
    }
    return this.alerts.list((state as AlertState | undefined) ?? 'open', size, cursor);
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
  @ApiOperation({ summary: "The eCard thumbnail (JPEG) of an alumnus admitted today or within the feed's window; 404 otherwise" })
  @ApiTooManyRequestsResponse({ description: 'rate-limited' })
  @ApiOkResponse({ content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'photo-not-found' })
  async photo(
    @Param(
      'ecardId',
      new ParseIntPipe({ exceptionFactory: () => new SecurityException('photo-not-found', 'eCard ids are whole numbers.') }),
    )
    ecardId: number,
    @CurrentSubject() subject: Subject,
  ): Promise<StreamableFile> {
    return new StreamableFile(await this.security.holderPhoto(ecardId, subject.id), { type: 'image/jpeg' });
  }
}
