import { Body, Controller, Header, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  EmailChangedResponse,
  EmailChangeStartDto,
  EmailChangeStartedResponse,
  ReauthenticatedResponse,
  ReauthenticateStartDto,
} from './dto/account-email.dto.js';
import { CodeRequestedResponse, CodeVerifyDto } from './dto/email-sign-in.dto.js';
import { EmailChangeService } from './email-change.service.js';
import { requestContext } from './http-context.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { ReauthenticationService } from './reauthentication.service.js';
import { REQUEST_IDENTITY, Roles, type RequestIdentity, type RequestWithIdentity } from './roles.js';

const identityOf = (request: Request & RequestWithIdentity): RequestIdentity => request[REQUEST_IDENTITY]!;

/** Re-authentication and changing the sign-in email (alumni). */
@ApiTags('account')
@Controller()
@Roles('alumnus')
@UseFilters(IdentityExceptionFilter)
export class AccountEmailController {
  constructor(
    private readonly reauthentication: ReauthenticationService,
    private readonly emailChange: EmailChangeService,
  ) {}

  @Post('auth/reauthenticate/start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Confirm it is you: a code is sent to your current sign-in email' })
  @ApiAcceptedResponse({ type: CodeRequestedResponse })
  async reauthenticateStart(
    @Body() body: ReauthenticateStartDto,
    @Req() request: Request & RequestWithIdentity,
  ): Promise<CodeRequestedResponse> {
    const { requestId, minutes } = await this.reauthentication.start(identityOf(request), { locale: body.locale }, requestContext(request));
    return { requestId, message: `We have sent a 6-digit code to your sign-in email. It is valid for ${minutes} minutes.` };
  }

  @Post('auth/reauthenticate/verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enter the code: this session may change the sign-in email for the next 10 minutes' })
  @ApiOkResponse({ type: ReauthenticatedResponse })
  async reauthenticateVerify(@Body() body: CodeVerifyDto, @Req() request: Request & RequestWithIdentity): Promise<ReauthenticatedResponse> {
    const { validUntil } = await this.reauthentication.verify(identityOf(request), body, requestContext(request));
    return { validUntil: validUntil.toISOString() };
  }

  @Post('account/email/start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Change the sign-in email, step 1: a code is sent to the new address (needs a sign-in or re-authentication in the last 10 minutes)',
  })
  @ApiAcceptedResponse({ type: EmailChangeStartedResponse })
  async emailStart(@Body() body: EmailChangeStartDto, @Req() request: Request & RequestWithIdentity): Promise<EmailChangeStartedResponse> {
    const { requestId, maskedEmail, minutes } = await this.emailChange.start(
      identityOf(request),
      { newEmail: body.newEmail, locale: body.locale },
      requestContext(request),
    );
    return {
      requestId,
      maskedEmail,
      message: `We have sent a 6-digit verification code to ${maskedEmail}. It is valid for ${minutes} minutes.`,
    };
  }

  @Post('account/email/verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Step 2: enter the code; the sign-in email changes, the old address is told and other sessions end' })
  @ApiOkResponse({ type: EmailChangedResponse })
  async emailVerify(@Body() body: CodeVerifyDto, @Req() request: Request & RequestWithIdentity): Promise<EmailChangedResponse> {
    return this.emailChange.verify(identityOf(request), body, requestContext(request));
  }
}
