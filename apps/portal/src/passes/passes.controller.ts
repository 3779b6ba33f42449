import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, UseFilters, type PipeTransform } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { CurrentSubject, Public, Roles, type Subject } from '../identity/roles.js';
import { PassesException } from './passes.exception.js';
import {
  DayPassResponse,
  GuestPassRequestDto,
  GuestPassResponse,
  GuestPolicyResponse,
  PublicGuestPassResponse,
  ShareEmailDto,
  ShareEmailResponse,
} from './dto/passes.dto.js';
import { PassesService } from './passes.service.js';

const PASS_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Pass ids are 128 random bits in uuid form (no version bits, so not ParseUUIDPipe). Anything else is
 * answered like an unknown id (404), not with a validation error.
 */
const passIdPipe: PipeTransform<string, string> = {
  transform(value) {
    if (!PASS_ID_PATTERN.test(value)) {
      throw new PassesException('pass-not-found', 'There is no guest pass with this id among yours. Reload your guest list.');
    }
    return value.toLowerCase();
  },
};

@ApiTags('passes')
@Controller()
// Rate-limited answers (the identity module's limiter) carry Retry-After.
@UseFilters(IdentityExceptionFilter)
export class PassesController {
  constructor(private readonly passes: PassesService) {}

  @Get('passes/today')
  @Roles('alumnus')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "Today's campus access QR code (one alumni day pass per eCard per Hong Kong day)" })
  @ApiOkResponse({ type: DayPassResponse })
  @ApiForbiddenResponse({ description: 'ecard-not-active: no eCard yet, or it is revoked' })
  today(@CurrentSubject() subject: Subject): Promise<DayPassResponse> {
    return this.passes.todayPass(subject.id);
  }

  @Get('guest-passes/policy')
  @Roles('alumnus')
  @ApiOperation({ summary: 'Guest access policy: date range, guests per day, purposes' })
  @ApiOkResponse({ type: GuestPolicyResponse })
  policy(): Promise<GuestPolicyResponse> {
    return this.passes.guestPolicy();
  }

  @Post('guest-passes')
  @Roles('alumnus')
  @HttpCode(201)
  @ApiOperation({ summary: 'New Campus Access: one pass per guest for the date' })
  @ApiCreatedResponse({ type: [GuestPassResponse] })
  @ApiBadRequestResponse({
    description: 'guest-date-invalid, guest-purpose-invalid, guest-limit-exceeded, validation-failed; nothing stored',
  })
  @ApiForbiddenResponse({ description: 'ecard-not-active' })
  create(@CurrentSubject() subject: Subject, @Body() body: GuestPassRequestDto, @Req() request: Request): Promise<GuestPassResponse[]> {
    return this.passes.createGuestPasses(subject.id, body, request.ip ?? null);
  }

  @Get('guest-passes')
  @Roles('alumnus')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'My guest passes that have not expired' })
  @ApiOkResponse({ type: [GuestPassResponse] })
  list(@CurrentSubject() subject: Subject): Promise<GuestPassResponse[]> {
    return this.passes.listGuestPasses(subject.id);
  }

  @Get('guest-passes/:id')
  @Roles('alumnus')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One of my guest passes, with its QR code (SVG) while valid' })
  @ApiOkResponse({ type: GuestPassResponse })
  @ApiNotFoundResponse({ description: 'pass-not-found (also for another alumnus’s pass)' })
  get(@CurrentSubject() subject: Subject, @Param('id', passIdPipe) id: string): Promise<GuestPassResponse> {
    return this.passes.getGuestPass(subject.id, id);
  }

  @Post('guest-passes/:id/cancel')
  @Roles('alumnus')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel one of my guest passes (the gates will refuse it)' })
  @ApiOkResponse({ type: GuestPassResponse })
  @ApiNotFoundResponse({ description: 'pass-not-found (also for another alumnus’s pass)' })
  cancel(@CurrentSubject() subject: Subject, @Param('id', passIdPipe) id: string, @Req() request: Request): Promise<GuestPassResponse> {
    return this.passes.cancelGuestPass(subject.id, id, request.ip ?? null);
  }

  @Post('guest-passes/:id/share/email')
  @Roles('alumnus')
  @HttpCode(202)
  @ApiOperation({ summary: "Email one guest's pass to the guest: QR inline and the link" })
  @ApiAcceptedResponse({ type: ShareEmailResponse })
  @ApiTooManyRequestsResponse({ description: 'rate-limited: too many emails from this account or of this pass' })
  @ApiNotFoundResponse({ description: 'pass-not-found (also for another alumnus’s pass)' })
  shareByEmail(
    @CurrentSubject() subject: Subject,
    @Param('id', passIdPipe) id: string,
    @Body() body: ShareEmailDto,
    @Req() request: Request,
  ): Promise<ShareEmailResponse> {
    return this.passes.shareByEmail(subject.id, id, body.to, body.locale, request.ip ?? null);
  }

  @Get('public/guest-passes/:token')
  @Public()
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiOperation({ summary: 'The guest page behind a shared link: name, date, and the QR code while valid (no sign-in)' })
  @ApiOkResponse({ type: PublicGuestPassResponse })
  @ApiNotFoundResponse({ description: 'guest-link-not-found: unknown or tampered link' })
  @ApiTooManyRequestsResponse({ description: 'rate-limited: too many guest page requests from this address' })
  publicGuestPass(@Param('token') token: string, @Req() request: Request): Promise<PublicGuestPassResponse> {
    return this.passes.publicGuestPass(token, request.ip ?? null);
  }
}
