import { Controller, Get, Header, Inject, Req, Res, UseFilters } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { issueSessionCookies, readCookie } from './cookies.js';
import { requestContext } from './http-context.js';
import { OIDC_STATE_COOKIE, SESSION_COOKIE } from './identity.constants.js';
import { IdentityExceptionFilter } from './identity-exception.filter.js';
import { isIdentityException } from './identity.exception.js';
import { Public } from './roles.js';
import { StaffOidcSignInService } from './staff-oidc-sign-in.service.js';

export class StaffSignInMethodsResponse {
  @ApiProperty({ description: 'Email + password, then an emailed code (POST /api/auth/staff/start and /verify).' })
  password!: boolean;
  @ApiProperty({ description: "The university's identity provider (navigate the browser to oidcStartUrl)." })
  oidc!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '/api/auth/staff/oidc/start' })
  oidcStartUrl!: string | null;
}

/** Where the browser lands after a failed sign-in through the identity provider; `error` is the error code. */
export const STAFF_SIGN_IN_PAGE = '/staff/sign-in';
const OIDC_COOKIE_PATH = '/api/auth/staff/oidc';

@ApiTags('sign-in')
@Controller('auth/staff')
@Public()
@UseFilters(IdentityExceptionFilter)
export class StaffOidcController {
  constructor(
    private readonly oidc: StaffOidcSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('methods')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Which staff sign-in methods are on' })
  @ApiOkResponse({ type: StaffSignInMethodsResponse })
  methods(): StaffSignInMethodsResponse {
    const oidc = this.oidc.enabled;
    return { password: this.config.staffSignIn.password, oidc, oidcStartUrl: oidc ? `${OIDC_COOKIE_PATH}/start` : null };
  }

  @Get('oidc/start')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "Staff sign-in through the university's identity provider: redirects the browser there" })
  @ApiFoundResponse({ description: `To the identity provider; on an error to ${STAFF_SIGN_IN_PAGE}?error=<code>` })
  async start(@Req() request: Request, @Res() response: Response): Promise<void> {
    try {
      const { redirectTo, handle, maxAgeMs } = await this.oidc.start(requestContext(request));
      response.cookie(OIDC_STATE_COOKIE, handle, { ...this.cookieOptions(), maxAge: maxAgeMs });
      response.redirect(302, redirectTo);
    } catch (error) {
      this.failed(response, error);
    }
  }

  @Get('oidc/callback')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Where the identity provider sends the browser back: signs in and redirects to /' })
  @ApiFoundResponse({ description: `To / with the session cookies set; on a refusal to ${STAFF_SIGN_IN_PAGE}?error=<code>` })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    response.clearCookie(OIDC_STATE_COOKIE, this.cookieOptions());
    try {
      const query = new URL(request.originalUrl, 'http://callback.invalid').searchParams;
      const session = await this.oidc.callback(
        { handle: readCookie(request, OIDC_STATE_COOKIE), query, previousToken: readCookie(request, SESSION_COOKIE) },
        requestContext(request),
      );
      issueSessionCookies(response, session, this.secure());
      response.redirect(302, '/');
    } catch (error) {
      this.failed(response, error);
    }
  }

  /** A browser navigation, not a fetch: refusals go back to the sign-in page, which shows the code's message. */
  private failed(response: Response, error: unknown): void {
    if (!isIdentityException(error)) throw error;
    response.redirect(302, `${STAFF_SIGN_IN_PAGE}?error=${encodeURIComponent(error.code)}`);
  }

  private secure(): boolean {
    return this.config.environment === 'production';
  }

  private cookieOptions() {
    // Lax: the provider brings the browser back with a top-level GET, which carries Lax cookies.
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.secure(), path: OIDC_COOKIE_PATH };
  }
}
