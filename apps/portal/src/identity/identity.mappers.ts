import type { SessionResponse, SessionSummaryResponse } from './dto/email-sign-in.dto.js';
import type { Subject } from './roles.js';
import type { SessionSummary } from './session.service.js';

export function mapSession(session: { subject: Subject; csrfToken: string; expiresAt: Date; idleExpiresAt: Date }): SessionResponse {
  return {
    authenticated: true,
    subject: { type: session.subject.type, id: session.subject.id, roles: [...session.subject.roles] },
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: session.idleExpiresAt.toISOString(),
  };
}

export function mapSessionSummary(session: SessionSummary): SessionSummaryResponse {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.current,
  };
}

/** The one answer to "send me a code", whether or not the email is registered. */
export const CODE_REQUESTED_MESSAGE =
  'If this email is registered, we have sent a 6-digit code to it. It is valid for 10 minutes. Please check your spam or junk folder if it does not arrive.';
