import { Body, Controller, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Req, Res, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { previousSessionToken } from './cookies.js';
import { signedInAnswer } from './signed-in-answer.js';
import { SessionResponse } from './dto/email-sign-in.dto.js';
import {
  ConfirmAlumniNetIdDto,
  ForgotNetPasswordStartDto,
  NetIdCodeDto,
  NetIdCodeSentResponse,
  NetIdDetailsDto,
  NetIdRegisterDto,
  NetIdRegisteredResponse,
  NetIdShownResponse,
  NetIdSignInDto,
  NetPasswordResetDto,
  NetPasswordResetResponse,
  PersonNetIdsResponse,
} from './dto/netid.dto.js';
import { requestContext } from './http-context.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { NetIdPeopleService } from './netid-people.service.js';
import { NetIdRecoveryService, type NetIdCodeSent } from './netid-recovery.service.js';
import { NetIdRegistrationService, type NetIdRegistrationCodeSent } from './netid-registration.service.js';
import { NetIdSignInService } from './netid-sign-in.service.js';
import { CurrentSubject, Public, Roles, type Subject } from './roles.js';

function codeSent(sent: NetIdCodeSent | NetIdRegistrationCodeSent): NetIdCodeSentResponse {
  return {
    ticket: sent.ticket,
    maskedEmail: sent.maskedEmail,
    expiresAt: sent.expiresAt.toISOString(),
    message: `We have sent a 6-digit verification code to ${sent.maskedEmail}. It is valid for 10 minutes.`,
  };
}

/** Alumni NetID: registration, sign-in, "Forgot NetID" and "Forgot NetPassword" (FAQ 4, 8–15). */
@ApiTags('sign-in')
@Controller('auth/netid')
@Public()
@UseFilters(IdentityExceptionFilter)
export class NetIdAuthController {
  constructor(
    private readonly registration: NetIdRegistrationService,
    private readonly signIn: NetIdSignInService,
    private readonly recovery: NetIdRecoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Register an Alumni NetID, step 1 (pre-2011 PolyU alumni, HKCC/SPEED graduates with a PolyU award): details, captcha, Display Name, NetPassword; a code is sent to the email on record',
  })
  @ApiAcceptedResponse({ type: NetIdCodeSentResponse })
  async register(@Body() body: NetIdRegisterDto, @Req() request: Request): Promise<NetIdCodeSentResponse> {
    const sent = await this.registration.start(
      {
        surname: body.surname,
        givenName: body.givenName,
        dateOfBirth: body.dateOfBirth,
        personalId: body.personalId,
        displayName: body.displayName,
        password: body.password,
        captcha: body.captcha,
        locale: body.locale ?? 'en',
      },
      requestContext(request),
    );
    return codeSent(sent);
  }

  @Post('register/verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an Alumni NetID, step 2: the emailed code; the NetID is created and mailed' })
  @ApiCreatedResponse({ type: NetIdRegisteredResponse })
  async registerVerify(@Body() body: NetIdCodeDto, @Req() request: Request): Promise<NetIdRegisteredResponse> {
    const done = await this.registration.finish({ ticket: body.ticket, code: body.code }, requestContext(request));
    return {
      ...done,
      message: `Your Alumni NetID is ${done.netId}. We have sent it to ${done.maskedEmail} ("Completion of NetID Registration").`,
    };
  }

  @Post('sign-in')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with Alumni NetID and NetPassword: sets the cp_session and cp_csrf cookies' })
  @ApiOkResponse({ type: SessionResponse })
  async netIdSignIn(
    @Body() body: NetIdSignInDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.signIn.signIn(
      { netId: body.netId, password: body.password, previousToken: previousSessionToken(request) },
      requestContext(request),
    );
    return signedInAnswer(response, session, this.config.environment === 'production');
  }

  @Post('forgot-netid/start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Forgot NetID, step 1: your details; a code is sent to your registered email' })
  @ApiAcceptedResponse({ type: NetIdCodeSentResponse })
  async forgotNetIdStart(@Body() body: NetIdDetailsDto, @Req() request: Request): Promise<NetIdCodeSentResponse> {
    return codeSent(await this.recovery.startForgotNetId({ ...details(body), locale: body.locale ?? 'en' }, requestContext(request)));
  }

  @Post('forgot-netid/verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgot NetID, step 2: the code; your NetID is shown' })
  @ApiOkResponse({ type: NetIdShownResponse })
  forgotNetIdVerify(@Body() body: NetIdCodeDto, @Req() request: Request): Promise<NetIdShownResponse> {
    return this.recovery.finishForgotNetId({ ticket: body.ticket, code: body.code }, requestContext(request));
  }

  @Post('forgot-password/start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Forgot NetPassword, step 1: NetID and details; a code is sent to your registered email' })
  @ApiAcceptedResponse({ type: NetIdCodeSentResponse })
  async forgotPasswordStart(@Body() body: ForgotNetPasswordStartDto, @Req() request: Request): Promise<NetIdCodeSentResponse> {
    return codeSent(
      await this.recovery.startForgotPassword(
        { ...details(body), netId: body.netId, locale: body.locale ?? 'en' },
        requestContext(request),
      ),
    );
  }

  @Post('forgot-password/reset')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgot NetPassword, step 2: the code and a new NetPassword; every session of the account ends' })
  @ApiOkResponse({ type: NetPasswordResetResponse })
  async forgotPasswordReset(@Body() body: NetPasswordResetDto, @Req() request: Request): Promise<NetPasswordResetResponse> {
    const done = await this.recovery.finishForgotPassword(
      { ticket: body.ticket, code: body.code, password: body.password },
      requestContext(request),
    );
    return { ...done, message: 'Your NetPassword has been reset. Please sign in with your NetID and the new NetPassword.' };
  }
}

/** The AAO's view of a person's NetIDs (FAQ 8: "confirm which one is your Alumni NetID"). */
@ApiTags('staff')
@Controller('staff/netids')
@UseFilters(IdentityExceptionFilter)
export class NetIdStaffController {
  constructor(private readonly people: NetIdPeopleService) {}

  @Get(':graduateId')
  @Roles('aao-admin', 'auditor')
  @ApiOperation({ summary: 'Every NetID of the person behind a graduate record, and which is the confirmed Alumni NetID' })
  @ApiOkResponse({ type: PersonNetIdsResponse })
  async list(@Param('graduateId', new ParseUUIDPipe()) graduateId: string): Promise<PersonNetIdsResponse> {
    return present(await this.people.list(graduateId));
  }

  @Put(':graduateId/alumni-netid')
  @Roles('aao-admin')
  @ApiOperation({ summary: "Confirm which of the person's NetIDs is the Alumni NetID (audited)" })
  @ApiOkResponse({ type: PersonNetIdsResponse })
  async confirm(
    @Param('graduateId', new ParseUUIDPipe()) graduateId: string,
    @Body() body: ConfirmAlumniNetIdDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<PersonNetIdsResponse> {
    return present(await this.people.confirm(graduateId, body.netId, subject.id, requestContext(request)));
  }
}

function details(body: NetIdDetailsDto) {
  return { surname: body.surname, givenName: body.givenName, dateOfBirth: body.dateOfBirth, personalId: body.personalId };
}

function present(result: Awaited<ReturnType<NetIdPeopleService['list']>>): PersonNetIdsResponse {
  return {
    netIds: result.netIds.map(({ netId, kind, studentNumber, confirmed }) => ({ netId, kind, studentNumber, confirmed })),
    confirmedNetId: result.confirmedNetId,
  };
}
