import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { previousSessionToken } from './cookies.js';
import { signedInAnswer } from './signed-in-answer.js';
import { SessionResponse } from './dto/email-sign-in.dto.js';
import {
  RegisterEmailDto,
  RegisterEmailResponse,
  RegisterIdentifyDto,
  RegisterIdentifyResponse,
  RegisterVerifyDto,
} from './dto/registration.dto.js';
import { requestContext } from './http-context.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { RegistrationService } from './registration.service.js';
import { Public } from './roles.js';

@ApiTags('sign-in')
@Controller('auth/register')
@Public()
@UseFilters(IdentityExceptionFilter)
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('identify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register Email or Forget Email, step 1: check your details against the graduate registry' })
  @ApiOkResponse({ type: RegisterIdentifyResponse })
  @ApiBadRequestResponse({ description: 'The information you entered is not correct' })
  async identify(@Body() body: RegisterIdentifyDto, @Req() request: Request): Promise<RegisterIdentifyResponse> {
    const result = await this.registration.identify(
      { surname: body.surname, givenName: body.givenName, dateOfBirth: body.dateOfBirth, personalId: body.personalId || undefined },
      requestContext(request),
    );
    return { ...result, expiresAt: result.expiresAt.toISOString() };
  }

  @Post('email')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Step 2: keep the email shown or enter another; a verification code is sent to it' })
  @ApiAcceptedResponse({ type: RegisterEmailResponse })
  async email(@Body() body: RegisterEmailDto, @Req() request: Request): Promise<RegisterEmailResponse> {
    const { maskedEmail } = await this.registration.chooseEmail(
      { ticket: body.ticket, email: body.email, locale: body.locale ?? 'en' },
      requestContext(request),
    );
    return { maskedEmail, message: `We have sent a 6-digit verification code to ${maskedEmail}. It is valid for 10 minutes.` };
  }

  @Post('verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Step 3: enter the code; the email is registered and you are signed in' })
  @ApiOkResponse({ type: SessionResponse })
  async verify(
    @Body() body: RegisterVerifyDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.registration.verify(
      { ticket: body.ticket, code: body.code, previousToken: previousSessionToken(request) },
      requestContext(request),
    );
    return signedInAnswer(response, session, this.config.environment === 'production');
  }
}
