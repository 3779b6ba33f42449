import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { previousSessionToken } from './cookies.js';
import { signedInAnswer } from './signed-in-answer.js';
import { CodeRequestedResponse, CodeVerifyDto, SessionResponse } from './dto/email-sign-in.dto.js';
import { StaffSignInStartDto } from './dto/staff-sign-in.dto.js';
import { requestContext } from './http-context.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { Public } from './roles.js';
import { StaffSignInService } from './staff-sign-in.service.js';

@ApiTags('sign-in')
@Controller('auth/staff')
@Public()
@UseFilters(IdentityExceptionFilter)
export class StaffSignInController {
  constructor(
    private readonly signIn: StaffSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Staff sign-in, step 1: email and password; a code is sent to the email' })
  @ApiAcceptedResponse({ type: CodeRequestedResponse })
  async start(@Body() body: StaffSignInStartDto, @Req() request: Request): Promise<CodeRequestedResponse> {
    const { requestId } = await this.signIn.start(
      { email: body.email, password: body.password, locale: body.locale ?? 'en' },
      requestContext(request),
    );
    return { requestId, message: 'We have sent a 6-digit code to your email. It is valid for 10 minutes.' };
  }

  @Post('verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff sign-in, step 2: the emailed code; sets the session cookies' })
  @ApiOkResponse({ type: SessionResponse })
  async verify(
    @Body() body: CodeVerifyDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.signIn.verify(
      { requestId: body.requestId, code: body.code, previousToken: previousSessionToken(request) },
      requestContext(request),
    );
    return signedInAnswer(response, session, this.config.environment === 'production');
  }
}
