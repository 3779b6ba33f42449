import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { previousSessionToken } from './cookies.js';
import { signedInAnswer } from './signed-in-answer.js';
import { CodeRequestDto, CodeRequestedResponse, CodeVerifyDto, EmailSignInStartDto, SessionResponse } from './dto/email-sign-in.dto.js';
import { EmailSignInService } from './email-sign-in.service.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { CODE_REQUESTED_MESSAGE } from './identity.mappers.js';
import { requestContext } from './http-context.js';
import { Public } from './roles.js';

@ApiTags('sign-in')
@Controller('auth/email')
@Public()
@UseFilters(IdentityExceptionFilter)
export class EmailSignInController {
  constructor(
    private readonly signIn: EmailSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a sign-in code to a registered email (the answer never says whether it is registered)' })
  @ApiAcceptedResponse({ type: CodeRequestedResponse })
  async start(@Body() body: EmailSignInStartDto, @Req() request: Request): Promise<CodeRequestedResponse> {
    const { requestId } = await this.signIn.start({ email: body.email, locale: body.locale }, requestContext(request));
    return { requestId, message: CODE_REQUESTED_MESSAGE };
  }

  @Post('resend')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a new code for the same request (at most once a minute; tries already used stay used)' })
  @ApiAcceptedResponse({ type: CodeRequestedResponse })
  async resend(@Body() body: CodeRequestDto, @Req() request: Request): Promise<CodeRequestedResponse> {
    const { requestId } = await this.signIn.resend(body.requestId, requestContext(request));
    return { requestId, message: CODE_REQUESTED_MESSAGE };
  }

  @Post('verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with the code: sets the cp_session and cp_csrf cookies' })
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
