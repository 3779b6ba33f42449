import { Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { clearSessionCookies, readCookie } from './cookies.js';
import { SessionResponse, SessionSummaryResponse } from './dto/email-sign-in.dto.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { mapSession, mapSessionSummary } from './identity.mappers.js';
import { SessionAccessService } from './session-access.service.js';
import { CurrentSubject, Public, REQUEST_IDENTITY, ROLES, Roles, type RequestWithIdentity, type Subject } from './roles.js';
import { requestContext } from './http-context.js';
import { SESSION_COOKIE } from './identity.constants.js';

@ApiTags('session')
@Controller()
@UseFilters(IdentityExceptionFilter)
export class SessionController {
  constructor(
    private readonly sessions: SessionAccessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('session')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Who is signed in, the CSRF token to echo in X-CSRF-Token, and when the session ends' })
  @ApiOkResponse({ type: SessionResponse })
  current(@Req() request: Request & RequestWithIdentity, @Res({ passthrough: true }) response: Response): SessionResponse {
    const identity = request[REQUEST_IDENTITY];
    if (identity) return mapSession(this.sessions.describe(identity));
    // The browser holds the cookie of a session that has ended: drop it.
    if (readCookie(request, SESSION_COOKIE)) clearSessionCookies(response, this.config.environment === 'production');
    return { authenticated: false };
  }

  @Post('session/sign-out')
  @Roles(...ROLES)
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  async signOut(@Req() request: Request & RequestWithIdentity, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.sessions.signOut(request[REQUEST_IDENTITY]!, requestContext(request));
    clearSessionCookies(response, this.config.environment === 'production');
  }

  @Post('session/sign-out-everywhere')
  @Roles(...ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of the signed-in person, this one included' })
  async signOutEverywhere(
    @Req() request: Request & RequestWithIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ ended: number }> {
    const ended = await this.sessions.signOutEverywhere(request[REQUEST_IDENTITY]!.subject, requestContext(request));
    clearSessionCookies(response, this.config.environment === 'production');
    return { ended };
  }

  @Get('alumni/:accountId/sessions')
  @Roles('alumnus')
  @ApiOperation({ summary: "The alumnus's open sessions (their own only)" })
  @ApiOkResponse({ type: [SessionSummaryResponse] })
  async listOwn(
    @Param('accountId', new ParseUUIDPipe()) accountId: string,
    @CurrentSubject() subject: Subject,
  ): Promise<SessionSummaryResponse[]> {
    return (await this.sessions.listOwn(subject, accountId)).map(mapSessionSummary);
  }
}
