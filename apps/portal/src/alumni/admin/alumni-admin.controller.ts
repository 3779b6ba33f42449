import { Controller, Get, Header, Param, ParseUUIDPipe, Query, Req, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { AlumniDetail, AlumniSearchPage } from '@campuspass/contracts';
import { IdentityExceptionFilter } from '../../identity/identity-exception.filter.js';
import { CurrentSubject, Roles, type Subject } from '../../identity/roles.js';
import { AlumniAdminService } from './alumni-admin.service.js';
import { AlumniSearchQueryDto, SEARCH_DEFAULT_LIMIT } from './dto/alumni-admin.dto.js';

/** AAO: alumni search and the detail of one graduate (shapes: libs/contracts/src/admin-alumni-api.ts). Read-only. */
@ApiTags('admin')
@Controller('admin/alumni')
@Roles('aao-admin', 'auditor')
// Sends Retry-After with a rate-limited search.
@UseFilters(IdentityExceptionFilter)
export class AlumniAdminController {
  constructor(private readonly alumni: AlumniAdminService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Search the registry by name (any order, partial), student or alumni number, email or NetID; paginated by cursor',
  })
  @ApiOkResponse({ description: 'AlumniSearchPage: { hits, nextCursor }' })
  @ApiBadRequestResponse({
    description: 'q missing, shorter than 2 or longer than 100 characters, or with control characters; search-cursor-invalid',
  })
  @ApiTooManyRequestsResponse({ description: 'rate-limited: 60 searches a minute per staff member (Retry-After)' })
  search(@Query() query: AlumniSearchQueryDto, @CurrentSubject() subject: Subject): Promise<AlumniSearchPage> {
    return this.alumni.search(query.q, query.cursor, query.limit ?? SEARCH_DEFAULT_LIMIT, subject.id);
  }

  @Get(':graduateId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'One graduate: registry record (never the personal ID), account and sign-in methods, profile, eCard, recent passes and entries (each read is audited)',
  })
  @ApiOkResponse({ description: 'AlumniDetail' })
  @ApiNotFoundResponse({ description: 'graduate-not-found' })
  detail(
    @Param('graduateId', new ParseUUIDPipe()) graduateId: string,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<AlumniDetail> {
    return this.alumni.detail(graduateId, { staffId: subject.id, ip: request.ip ?? null });
  }
}
