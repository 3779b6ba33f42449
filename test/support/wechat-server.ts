import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WechatTestUser {
  openid: string;
  /** Present when the app is bound to a WeChat Open Platform account. */
  unionid?: string;
  nickname: string;
}

export interface TestWechatServer {
  /** Base URL for both SOCIAL_WECHAT_OPEN_URL and SOCIAL_WECHAT_API_URL. */
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  /** The user who "scans the QR code" at the next qrconnect. */
  scanNextAs(user: WechatTestUser): void;
  /** Makes the access tokens issued from now on expired when sns/userinfo is called (errcode 42001). */
  expireTokens(expired: boolean): void;
  /** Requests received, for assertions: path and query. */
  readonly requests: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

/**
 * A WeChat-protocol test server (node:http) for website login, from WeChat's documented endpoints:
 * GET /connect/qrconnect (redirects to redirect_uri with code and state, as after a scan and confirm),
 * GET /sns/oauth2/access_token (appid, secret, code, grant_type=authorization_code) and
 * GET /sns/userinfo (access_token, openid). Errors answer HTTP 200 with {errcode, errmsg}, as WeChat does:
 * 40029 invalid code (unknown or used), 40125 invalid appsecret, 42001 access_token expired, 40003 invalid openid.
 */
export async function startTestWechatServer(options: { redirectUri: string }): Promise<TestWechatServer> {
  const appId = 'wx' + randomBytes(8).toString('hex');
  const appSecret = randomBytes(16).toString('hex');
  const codes = new Map<string, WechatTestUser>();
  const tokens = new Map<string, { user: WechatTestUser; expired: boolean }>();
  const requests: { path: string; query: Record<string, string> }[] = [];
  let nextUser: WechatTestUser | undefined;
  let expireIssued = false;

  const json = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { 'content-type': 'text/plain' }); // WeChat labels its JSON text/plain
    response.end(JSON.stringify(body));
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://wechat.invalid');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    if (url.pathname === '/connect/qrconnect') {
      if (query.appid !== appId || query.response_type !== 'code' || query.scope !== 'snsapi_login' || !query.state) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end('qrconnect: appid, response_type=code, scope=snsapi_login and state are required');
        return;
      }
      if (query.redirect_uri !== options.redirectUri) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end('redirect_uri 参数错误');
        return;
      }
      if (!nextUser) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('scanNextAs() was not called before qrconnect');
        return;
      }
      const code = randomBytes(16).toString('hex');
      codes.set(code, nextUser);
      nextUser = undefined;
      const back = new URL(options.redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.state);
      response.writeHead(302, { location: back.href });
      response.end();
      return;
    }
    if (url.pathname === '/sns/oauth2/access_token') {
      if (query.appid !== appId || query.secret !== appSecret) return json(response, { errcode: 40125, errmsg: 'invalid appsecret' });
      if (query.grant_type !== 'authorization_code') return json(response, { errcode: 40002, errmsg: 'invalid grant_type' });
      const user = query.code ? codes.get(query.code) : undefined;
      if (!user) return json(response, { errcode: 40029, errmsg: 'invalid code' });
      codes.delete(query.code);
      const accessToken = randomBytes(24).toString('hex');
      tokens.set(accessToken, { user, expired: expireIssued });
      return json(response, {
        access_token: accessToken,
        expires_in: 7200,
        refresh_token: randomBytes(24).toString('hex'),
        openid: user.openid,
        scope: 'snsapi_login',
        ...(user.unionid ? { unionid: user.unionid } : {}),
      });
    }
    if (url.pathname === '/sns/userinfo') {
      const token = query.access_token ? tokens.get(query.access_token) : undefined;
      if (!token) return json(response, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      if (token.expired) return json(response, { errcode: 42001, errmsg: 'access_token expired' });
      if (query.openid !== token.user.openid) return json(response, { errcode: 40003, errmsg: 'invalid openid' });
      return json(response, {
        openid: token.user.openid,
        nickname: token.user.nickname,
        sex: 0,
        province: '',
        city: '',
        country: '',
        headimgurl: '',
        privilege: [],
        ...(token.user.unionid ? { unionid: token.user.unionid } : {}),
      });
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    appId,
    appSecret,
    requests,
    scanNextAs(user) {
      nextUser = user;
    },
    expireTokens(expired) {
      expireIssued = expired;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
