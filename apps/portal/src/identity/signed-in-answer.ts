import type { Response } from 'express';
import type { SessionResponse } from './dto/email-sign-in.dto.js';
import { issueSessionCookies } from './cookies.js';
import { mapSession } from './identity.mappers.js';
import type { StartedSession } from './session.service.js';

/** Every sign-in ends the same way: the new session's cookies on the answer, and the session (never its token) as the body. */
export function signedInAnswer(response: Response, session: StartedSession, secure: boolean): SessionResponse {
  issueSessionCookies(response, session, secure);
  return mapSession(session);
}
