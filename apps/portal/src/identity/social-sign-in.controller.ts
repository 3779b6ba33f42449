import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { issueSessionCookies, previousSessionToken, readCookie } from './cookies.js';
import { signedInAnswer } from './signed-in-answer.js';
import { SessionResponse } from './dto/email-sign-in.dto.js';
import {
  SocialLinksResponse,
  SocialLinkStartDto,
  SocialLinkStartedResponse,
  SocialLinkVerifyDto,
  SocialPendingLinkResponse,
  SocialProvidersResponse,
} from './dto/social.dto.js';
import { requestContext } from './http-context.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { isIdentityException } from './identity.exception.js';
import { CODE_REQUESTED_MESSAGE } from './identity.mappers.js';
import { CurrentSubject, Public, Roles, type Subject } from './roles.js';
import { PROVIDER_NAMES, SOCIAL_BASE_PATH, SocialSignInService } from './social-sign-in.service.js';

/** The sign-in in progress (state lookup binding); SameSite=None in production so Apple's cross-site form_post carries it. */
export const SOCIAL_STATE_COOKIE = 'cp_social';
/** A first social sign-in waiting for the registered email and its code. */
export const SOCIAL_LINK_COOKIE = 'cp_social_link';
/** Where the browser lands: the sign-in page with the error code, or the "confirm your registered email" page. */
export const SOCIAL_ERROR_PAGE = '/sign-in';
export const SOCIAL_LINK_PAGE = '/sign-in?socialLink=1';

@ApiTags('sign-in')
@Controller('sign-in/social')
@Public()
@UseFilters(IdentityExceptionFilter)
export class SocialSignInController {
  constructor(
    private readonly social: SocialSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('providers')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The social sign-in providers that are configured (only these are shown)' })
  @ApiOkResponse({ type: SocialProvidersResponse })
  providers(): SocialProvidersResponse {
    return {
      providers: this.social.providers().map((id) => ({ id, name: PROVIDER_NAMES[id], startUrl: `${SOCIAL_BASE_PATH}/${id}/start` })),
    };
  }

  @Get('link')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The first social sign-in waiting for the registered email (from the cp_social_link cookie)' })
  @ApiOkResponse({ type: SocialPendingLinkResponse })
  async pending(@Req() request: Request): Promise<SocialPendingLinkResponse> {
    const view = await this.social.pending(readCookie(request, SOCIAL_LINK_COOKIE));
    return { ...view, expiresAt: view.expiresAt.toISOString() };
  }

  @Post('link/start')
  @Header('Cache-Control', 'no-store')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a code to the registered email (the answer never says whether it is registered)' })
  @ApiOkResponse({ type: SocialLinkStartedResponse })
  async linkStart(@Body() body: SocialLinkStartDto, @Req() request: Request): Promise<SocialLinkStartedResponse> {
    await this.social.linkStart(readCookie(request, SOCIAL_LINK_COOKIE), body, requestContext(request));
    return { message: CODE_REQUESTED_MESSAGE };
  }

  @Post('link/verify')
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enter the code: the social account is linked and you are signed in (sets cp_session and cp_csrf)' })
  @ApiOkResponse({ type: SessionResponse })
  async linkVerify(
    @Body() body: SocialLinkVerifyDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponse> {
    const session = await this.social.linkVerify(
      readCookie(request, SOCIAL_LINK_COOKIE),
      { code: body.code, previousToken: previousSessionToken(request) },
      requestContext(request),
    );
    response.clearCookie(SOCIAL_LINK_COOKIE, this.linkCookieOptions());
    return signedInAnswer(response, session, this.secure());
  }

  @Post('link/cancel')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget the social sign-in waiting for the registered email' })
  @ApiNoContentResponse()
  async linkCancel(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.social.cancelPending(readCookie(request, SOCIAL_LINK_COOKIE));
    response.clearCookie(SOCIAL_LINK_COOKIE, this.linkCookieOptions());
  }

  @Get(':provider/start')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Social sign-in: redirects the browser to the provider (404 when the provider is not configured)' })
  @ApiFoundResponse({ description: `To the provider; on an error to ${SOCIAL_ERROR_PAGE}?socialError=<code>` })
  async start(@Param('provider') provider: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    try {
      const { redirectTo, handle, maxAgeMs } = await this.social.start(provider, requestContext(request));
      response.cookie(SOCIAL_STATE_COOKIE, handle, { ...this.stateCookieOptions(), maxAge: maxAgeMs });
      response.redirect(302, redirectTo);
    } catch (error) {
      if (isIdentityException(error) && error.code === 'social-provider-unknown') throw error;
      this.failed(response, error);
    }
  }

  @Get(':provider/callback')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Where the provider sends the browser back (query): signs in, or asks for the registered email' })
  @ApiFoundResponse({
    description: `To / signed in, to ${SOCIAL_LINK_PAGE} for a first sign-in, or to ${SOCIAL_ERROR_PAGE}?socialError=<code>`,
  })
  async callbackGet(@Param('provider') provider: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const params = new URL(request.originalUrl, 'http://callback.invalid').searchParams;
    await this.callback(provider, { method: 'GET', params }, request, response);
  }

  @Post(':provider/callback')
  @Public({ forms: true })
  @HttpCode(302)
  @ApiOperation({ summary: "Where Apple posts its answer (response_mode=form_post), with the name it sends once in the 'user' field" })
  @ApiFoundResponse({ description: 'As the GET callback' })
  async callbackPost(@Param('provider') provider: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) if (typeof value === 'string') params.set(name, value);
    await this.callback(provider, { method: 'POST', params }, request, response);
  }

  private async callback(
    provider: string,
    answer: { method: 'GET' | 'POST'; params: URLSearchParams },
    request: Request,
    response: Response,
  ): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    try {
      const result = await this.social.callback(
        provider,
        { answer, handle: readCookie(request, SOCIAL_STATE_COOKIE), previousToken: previousSessionToken(request) },
        requestContext(request),
      );
      response.clearCookie(SOCIAL_STATE_COOKIE, this.stateCookieOptions());
      if (result.kind === 'signed-in') {
        response.clearCookie(SOCIAL_LINK_COOKIE, this.linkCookieOptions());
        issueSessionCookies(response, result.session, this.secure());
        response.redirect(302, '/');
      } else {
        response.cookie(SOCIAL_LINK_COOKIE, result.handle, { ...this.linkCookieOptions(), maxAge: result.maxAgeMs });
        response.redirect(302, SOCIAL_LINK_PAGE);
      }
    } catch (error) {
      if (isIdentityException(error) && error.code === 'social-provider-unknown') throw error;
      response.clearCookie(SOCIAL_STATE_COOKIE, this.stateCookieOptions());
      this.failed(response, error);
    }
  }

  /** A browser navigation, not a fetch: refusals go back to the sign-in page, which shows the code's message. */
  private failed(response: Response, error: unknown): void {
    if (!isIdentityException(error)) throw error;
    response.redirect(302, `${SOCIAL_ERROR_PAGE}?socialError=${encodeURIComponent(error.code)}`);
  }

  private secure(): boolean {
    return this.config.environment === 'production';
  }

  private stateCookieOptions(): CookieOptions {
    // Production (https): SameSite=None, so Apple's cross-site POST back carries it. Plain http (development,
    // tests) cannot set SameSite=None (browsers require Secure): Lax, which the GET callbacks carry.
    const sameSite = this.secure() ? ('none' as const) : ('lax' as const);
    return { httpOnly: true, sameSite, secure: this.secure(), path: SOCIAL_BASE_PATH };
  }

  private linkCookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure(), path: SOCIAL_BASE_PATH };
  }
}

/** The alumnus's linked social accounts, on the profile page. */
@ApiTags('account')
@Controller('account/social-links')
@Roles('alumnus')
@UseFilters(IdentityExceptionFilter)
export class SocialLinksController {
  constructor(private readonly social: SocialSignInService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Your linked social accounts' })
  @ApiOkResponse({ type: SocialLinksResponse })
  async list(@CurrentSubject() subject: Subject): Promise<SocialLinksResponse> {
    const links = await this.social.listLinks(subject.id);
    return {
      links: links.map((link) => ({
        id: link.id,
        provider: link.provider,
        providerName: PROVIDER_NAMES[link.provider],
        emailSeen: link.emailSeen,
        displayName: link.displayName,
        linkedAt: link.createdAt.toISOString(),
        lastUsedAt: link.lastUsedAt.toISOString(),
      })),
    };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a linked social account (yours only; needs X-CSRF-Token)' })
  @ApiNoContentResponse()
  async remove(
    @CurrentSubject() subject: Subject,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Req() request: Request,
  ): Promise<void> {
    await this.social.removeLink(subject.id, id, requestContext(request));
  }
}
