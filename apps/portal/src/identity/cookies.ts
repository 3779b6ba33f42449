import type { CookieOptions, Request, Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE, SESSION_RULES } from './identity.constants.js';

/** Reads one cookie from the Cookie header (no cookie-parser dependency: identity needs two names). */
export function readCookie(request: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const raw = part
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function baseOptions(secure: boolean): CookieOptions {
  return { sameSite: 'lax', secure, path: '/' };
}

/** The session cookie is HttpOnly; the CSRF cookie is readable by the page so it can echo it in X-CSRF-Token. */
export function setSessionCookies(response: Response, values: { token: string; csrfToken: string; maxAgeMs: number; secure: boolean }) {
  response.cookie(SESSION_COOKIE, values.token, { ...baseOptions(values.secure), httpOnly: true, maxAge: values.maxAgeMs });
  response.cookie(CSRF_COOKIE, values.csrfToken, { ...baseOptions(values.secure), httpOnly: false, maxAge: values.maxAgeMs });
}

export function clearSessionCookies(response: Response, secure: boolean) {
  response.clearCookie(SESSION_COOKIE, { ...baseOptions(secure), httpOnly: true });
  response.clearCookie(CSRF_COOKIE, { ...baseOptions(secure), httpOnly: false });
}

/** Sets the cookies of a session that just started (max-age: the session's absolute lifetime). */
export function issueSessionCookies(response: Response, session: { token: string; csrfToken: string }, secure: boolean) {
  setSessionCookies(response, { token: session.token, csrfToken: session.csrfToken, maxAgeMs: SESSION_RULES.absoluteTimeoutMs, secure });
}

/** The session token the browser still holds, if any: a sign-in replaces (ends) it, so a session id is never reused. */
export function previousSessionToken(request: Pick<Request, 'headers'>): string | undefined {
  return readCookie(request, SESSION_COOKIE);
}
