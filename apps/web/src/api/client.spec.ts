import { describe, expect, it, jest } from '@jest/globals';
import { ApiClient, ApiError, errorFromBody, parseRetryAfter, readCookie } from './client.js';

type Call = { url: string; init: RequestInit };

function client(respond: (call: Call) => Response, cookies = '', onSignInRequired = jest.fn()) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { api: new ApiClient({ fetch: fetchImpl, cookies: () => cookies, onSignInRequired }), calls, onSignInRequired };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const header = (call: Call | undefined, name: string) => (call?.init.headers as Record<string, string> | undefined)?.[name];

describe('ApiClient', () => {
  it('sends JSON with the CSRF token from the cp_csrf cookie on unsafe methods only', async () => {
    const { api, calls } = client(() => json(200, { ok: true }), 'a=1; cp_csrf=tok%2Ben; b=2');
    await expect(api.post('/api/x', { a: 1 })).resolves.toEqual({ ok: true });
    await api.get('/api/y');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{"a":1}');
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(header(calls[0], 'content-type')).toBe('application/json');
    expect(header(calls[0], 'X-CSRF-Token')).toBe('tok+en');
    expect(header(calls[1], 'X-CSRF-Token')).toBeUndefined();
  });

  it('falls back to the token the session answer gave when there is no cookie', async () => {
    const { api, calls } = client(() => new Response(null, { status: 204 }));
    api.setCsrfToken('from-session');
    await expect(api.put('/api/z', {})).resolves.toBeUndefined();
    expect(header(calls[0], 'X-CSRF-Token')).toBe('from-session');
  });

  it("rejects with the server's code, message and details", async () => {
    const { api } = client(() =>
      json(400, {
        statusCode: 400,
        code: 'code-wrong',
        message: 'That code is not right. You have 4 tries left.',
        details: { triesLeft: 4 },
      }),
    );
    const error = await api.post('/api/auth/email/verify', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'code-wrong',
      message: 'That code is not right. You have 4 tries left.',
      details: { triesLeft: 4 },
    });
  });

  it('keeps every validation message', async () => {
    const { api } = client(() => json(400, { statusCode: 400, error: 'Bad Request', message: ['a is wrong', 'b is wrong'] }));
    const error = (await api.post('/api/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBeUndefined();
    expect(error.messages).toEqual(['a is wrong', 'b is wrong']);
  });

  it('reads Retry-After on a 429', async () => {
    const { api } = client(() => json(429, { code: 'rate-limited', message: 'Too many.' }, { 'retry-after': '42' }));
    const error = (await api.post('/api/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.retryAfterSeconds).toBe(42);
  });

  it('asks for sign-in on a 401 that means "not signed in", not on wrong staff credentials or quiet calls', async () => {
    const signInRequired = client(() => json(401, { code: 'sign-in-required', message: 'Please sign in.' }));
    await signInRequired.api.get('/api/profile').catch(() => undefined);
    expect(signInRequired.onSignInRequired).toHaveBeenCalledTimes(1);
    await signInRequired.api.get('/api/session', { quiet401: true }).catch(() => undefined);
    expect(signInRequired.onSignInRequired).toHaveBeenCalledTimes(1);

    const wrongPassword = client(() => json(401, { code: 'staff-credentials-wrong', message: 'The email or password is not right.' }));
    await wrongPassword.api.post('/api/auth/staff/start', {}).catch(() => undefined);
    expect(wrongPassword.onSignInRequired).not.toHaveBeenCalled();
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const api = new ApiClient({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      cookies: () => '',
    });
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('helpers', () => {
  it('readCookie', () => {
    expect(readCookie('cp_csrf=abc; other=1', 'cp_csrf')).toBe('abc');
    expect(readCookie('xcp_csrf=abc', 'cp_csrf')).toBeUndefined();
  });

  it('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('errorFromBody survives a body that is not ours', () => {
    expect(errorFromBody(502, undefined, null)).toMatchObject({
      status: 502,
      code: undefined,
      message: 'Something went wrong. Please try again.',
    });
  });
});
