import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// oidc-provider ships no type declarations (and @types/oidc-provider is not a dependency): the few parts used
// here are typed below, and the module is imported by a specifier TypeScript does not resolve.
interface OidcGrant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface OidcContext {
  oidc: {
    session?: { accountId?: string };
    client?: { clientId: string };
    provider: { Grant: new (properties: { accountId: string; clientId: string }) => OidcGrant };
  };
}
interface OidcProvider {
  callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<{ prompt: { name: string } }>;
  interactionFinished(
    request: IncomingMessage,
    response: ServerResponse,
    result: { login: { accountId: string } },
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
}
type OidcProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
const OIDC_PROVIDER_MODULE = 'oidc-provider';

export interface TestOidcAccount {
  email: string;
  emailVerified: boolean;
}

export interface TestOidcProvider {
  /** The issuer URL (http://127.0.0.1:port, as the provider writes it in `iss`): STAFF_OIDC_ISSUER. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** An account at the provider; its id is the `sub` it issues. */
  addAccount(subject: string, account: TestOidcAccount): void;
  /** The account the next login interaction signs in as (the provider asks nobody: the test decides). */
  signInNextAs(subject: string): void;
  /**
   * Drives the browser's part of a sign-in: from the authorization URL the portal redirected to, through the
   * provider's login interaction, to the redirect back to the portal. Returns that redirect (the callback URL with
   * code and state); the portal is not called.
   */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (the `oidc-provider` package) on a free port of 127.0.0.1: in-memory adapter, one
 * confidential client with the portal's redirect URI, ID tokens signed with a fresh RS256 key, `email` and
 * `email_verified` claims from accounts the test adds. The login interaction is completed by the server itself
 * for the account named by signInNextAs(); consent is implied (the grant is made on the fly).
 */
export async function startTestOidcProvider(options: { redirectUri: string }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestOidcAccount>();
  let nextSubject: string | undefined;
  const clientId = 'campuspass-portal';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Short, explicit lifetimes (and no notices about the defaults in the test output).
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    findAccount: (_context: unknown, subject: string) => {
      const account = accounts.get(subject);
      if (!account) return undefined;
      return {
        accountId: subject,
        claims: () => ({ sub: subject, email: account.email, email_verified: account.emailVerified }),
      };
    },
    // No consent screen: the portal's client is the university's own.
    loadExistingGrant: async (context: OidcContext) => {
      const session = context.oidc.session;
      const client = context.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grant = new context.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  };
  const { default: Provider } = (await import(OIDC_PROVIDER_MODULE)) as { default: OidcProviderConstructor };
  const provider = new Provider(origin, configuration);
  const issuer = origin;
  const callback = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse) {
    const details = await provider.interactionDetails(request, response);
    if (details.prompt.name !== 'login') throw new Error(`unexpected interaction prompt ${details.prompt.name}`);
    if (!nextSubject) throw new Error('signInNextAs() was not called before the login interaction');
    const accountId = nextSubject;
    nextSubject = undefined;
    await provider.interactionFinished(request, response, { login: { accountId } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/interaction/')) {
      interaction(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(error instanceof Error ? error.message : String(error));
      });
      return;
    }
    void callback(request, response);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    addAccount(subject, account) {
      accounts.set(subject, account);
    },
    signInNextAs(subject) {
      nextSubject = subject;
    },
    async authorize(authorizationUrl) {
      const cookies = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (url.href.startsWith(options.redirectUri)) return url;
        const response = await fetchKeepingCookies(url, cookies);
        const location = response.headers.get('location');
        if (!location)
          throw new Error(`the provider answered ${response.status} without a redirect at ${url.pathname}: ${await response.text()}`);
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the identity provider');
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/**
 * One request of a browser going through the provider's redirects: sends the cookies kept so far (without following
 * a redirect), then keeps the cookies the answer sets and drops those it clears.
 */
export async function fetchKeepingCookies(url: URL, cookies: Map<string, string>): Promise<Response> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
  });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
  }
  return response;
}
