import { fetchKeepingCookies, startTestOidcProvider, type TestOidcProvider } from './oidc-provider.js';

/** The way back from a provider to the portal, as a browser would make it: a redirect (GET) or an auto-submitted form (form_post). */
export type ProviderAnswer = { method: 'GET'; url: URL } | { method: 'POST'; url: URL; form: Record<string, string> };

export interface SocialTestProvider extends TestOidcProvider {
  /** The portal's callback for this provider. */
  readonly redirectUri: string;
  /**
   * Drives the browser's part of a sign-in (like TestOidcProvider.authorize) and also follows a `form_post`
   * answer: the HTML page whose form the browser would post to the portal. The portal is not called.
   */
  answer(authorizationUrl: string): Promise<ProviderAnswer>;
}

/**
 * One real OpenID Provider (oidc-provider) per social provider, each with the portal's callback for it as its
 * redirect URI: `/api/sign-in/social/<provider>/callback`.
 */
export async function startSocialTestProvider(publicUrl: string, provider: 'google' | 'microsoft' | 'apple'): Promise<SocialTestProvider> {
  const redirectUri = `${publicUrl}/api/sign-in/social/${provider}/callback`;
  const oidc = await startTestOidcProvider({ redirectUri });
  return { ...oidc, redirectUri, answer: (authorizationUrl: string) => followToPortal(authorizationUrl, redirectUri) };
}

async function followToPortal(authorizationUrl: string, redirectUri: string): Promise<ProviderAnswer> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop++) {
    if (url.href.startsWith(redirectUri)) return { method: 'GET', url };
    const response = await fetchKeepingCookies(url, cookies);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
    if (!form) throw new Error(`the provider answered ${response.status} without a redirect or a form at ${url.pathname}: ${html}`);
    const action = new URL(decodeHtml(form[1]));
    if (!action.href.startsWith(redirectUri)) throw new Error(`the provider's form posts to ${action.href}, not to ${redirectUri}`);
    const fields: Record<string, string> = {};
    for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)) {
      fields[decodeHtml(input[1])] = decodeHtml(input[2]);
    }
    return { method: 'POST', url: action, form: fields };
  }
  throw new Error('too many redirects at the identity provider');
}

function decodeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
