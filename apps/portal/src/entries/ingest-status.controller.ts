import { Controller, Get, Header } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { IngestStatus } from '@campuspass/contracts';
import { Roles } from '../identity/roles.js';
import { IngestStatusService } from './ingest-status.service.js';

/** Gate-event ingestion health for security staff and the AAO: queue, lag, rate, dead letters. */
@ApiTags('security')
@Controller('security/ingest')
export class IngestStatusController {
  constructor(private readonly ingest: IngestStatusService) {}

  @Get()
  @Roles('security-staff', 'aao-admin')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Gate-event ingestion: queue counts, lag of the oldest waiting event, events stored per second (10 s, 60 s), dead letters (count and the latest 50). Answers from PostgreSQL with redisReachable false while Redis is down.',
  })
  @ApiOkResponse({ description: 'IngestStatus (libs/contracts security-api)' })
  @ApiUnauthorizedResponse({ description: 'not signed in' })
  @ApiForbiddenResponse({ description: 'not security staff or an AAO admin' })
  status(): Promise<IngestStatus> {
    return this.ingest.status();
  }
}
