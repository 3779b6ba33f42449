import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { IdentityException } from './identity.exception.js';

export interface WechatSettings {
  appId: string;
  appSecret: string;
  /** https://open.weixin.qq.com (qrconnect). */
  openUrl: string;
  /** https://api.weixin.qq.com (sns/oauth2/access_token, sns/userinfo). */
  apiUrl: string;
  redirectUri: string;
}

/** Who WeChat says signed in. The link key is the unionid where present (same person across the app's apps), else the openid. */
export interface WechatIdentity {
  issuer: string;
  subject: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
}

const TIMEOUT_MS = 10_000;

const wechatError = z.object({ errcode: z.number().int(), errmsg: z.string().optional() });
const accessTokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
  openid: z.string().min(1),
  scope: z.string().optional(),
  unionid: z.string().min(1).optional(),
});
const userInfoAnswer = z.object({
  openid: z.string().min(1),
  nickname: z.string().optional(),
  unionid: z.string().min(1).optional(),
});

/**
 * WeChat website login (OAuth 2.0, `snsapi_login`): the QR-code page at open.weixin.qq.com, then
 * sns/oauth2/access_token and sns/userinfo at api.weixin.qq.com. WeChat reports errors as `{errcode, errmsg}`
 * with HTTP 200, so every answer is checked for them before it is read.
 */
export class WechatClient {
  private readonly logger = new Logger('WechatSignIn');

  constructor(private readonly settings: WechatSettings) {}

  authorizationUrl(state: string): URL {
    const url = new URL('/connect/qrconnect', this.settings.openUrl);
    url.search = new URLSearchParams({
      appid: this.settings.appId,
      redirect_uri: this.settings.redirectUri,
      response_type: 'code',
      scope: 'snsapi_login',
      state,
    }).toString();
    url.hash = 'wechat_redirect';
    return url;
  }

  async identify(code: string): Promise<WechatIdentity> {
    const token = await this.call(
      'sns/oauth2/access_token',
      { appid: this.settings.appId, secret: this.settings.appSecret, code, grant_type: 'authorization_code' },
      accessTokenAnswer,
    );
    const info = await this.call('sns/userinfo', { access_token: token.access_token, openid: token.openid }, userInfoAnswer);
    if (info.openid !== token.openid) throw invalid('sns/userinfo answered for another openid');
    const unionid = info.unionid ?? token.unionid ?? null;
    return {
      issuer: unionid ? 'https://open.weixin.qq.com/unionid' : `https://open.weixin.qq.com/openid/${this.settings.appId}`,
      subject: unionid ?? token.openid,
      openid: token.openid,
      unionid,
      nickname: info.nickname?.trim() || null,
    };
  }

  private async call<T>(path: string, query: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(`/${path}`, this.settings.apiUrl);
    url.search = new URLSearchParams(query).toString();
    let body: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      // WeChat sometimes labels JSON as text/plain: parse the text.
      body = JSON.parse(await response.text());
    } catch (error) {
      if (error instanceof SyntaxError) throw invalid(`${path} did not answer JSON`);
      this.logger.warn({ msg: 'WeChat unreachable', path, err: error });
      throw new IdentityException('identity-provider-unavailable', 'WeChat cannot be reached just now. Please try again in a few minutes.');
    }
    const failed = wechatError.safeParse(body);
    if (failed.success && failed.data.errcode !== 0) {
      this.logger.warn({ msg: 'WeChat refused', path, errcode: failed.data.errcode, errmsg: failed.data.errmsg });
      throw new IdentityException('wechat-refused', wechatMessage(failed.data.errcode), {
        errcode: failed.data.errcode,
        errmsg: failed.data.errmsg ?? null,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw invalid(`${path} answered in an unexpected form: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    return parsed.data;
  }
}

function invalid(detail: string) {
  return new IdentityException('oidc-response-invalid', 'The answer of WeChat could not be verified. Please try again.', { detail });
}

/** WeChat's errcodes the user can act on; others get the general message with the code. */
function wechatMessage(errcode: number): string {
  switch (errcode) {
    case 40029:
    case 40163:
      return `WeChat did not accept the sign-in (errcode ${errcode}: the code is invalid or was already used). Please scan the QR code again.`;
    case 42001:
    case 40001:
    case 40014:
      return `WeChat did not accept the sign-in (errcode ${errcode}: the access token has expired or is invalid). Please scan the QR code again.`;
    default:
      return `WeChat did not accept the sign-in (errcode ${errcode}). Please try again, or sign in with your email.`;
  }
}
