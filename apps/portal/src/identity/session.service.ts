import { Injectable } from '@nestjs/common';
import { Clock } from './clock.js';
import { SESSION_RULES } from './identity.constants.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import type { RequestIdentity, Role, Subject, SubjectType } from './roles.js';
import type { SessionEntity } from './session.entity.js';
import { SessionRepository } from './session.repository.js';

export interface SessionStart {
  subjectType: SubjectType;
  subjectId: string;
  roles: Role[];
  ip?: string | null;
  userAgent?: string | null;
  /** The token of a session the browser already holds: it is ended, never reused (new id at every sign-in). */
  previousToken?: string;
}

export interface StartedSession {
  /** Goes into the cookie and nowhere else. */
  token: string;
  csrfToken: string;
  subject: Subject;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

const SESSION_ENDED = 'Your session has ended. Please sign in again.';

@Injectable()
export class SessionService {
  constructor(
    private readonly repository: SessionRepository,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
  ) {}

  async start(input: SessionStart): Promise<StartedSession> {
    const now = this.clock.now();
    if (input.previousToken) await this.repository.revoke(this.keys.sessionId(input.previousToken), now, 'replaced-at-sign-in');
    const token = this.keys.newToken();
    const session = await this.repository.insert({
      id: this.keys.sessionId(token),
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      roles: input.roles,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_RULES.absoluteTimeoutMs),
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    });
    return { token, csrfToken: this.keys.csrfToken(token), subject: toSubject(session), ...this.deadlines(session) };
  }

  /**
   * The identity behind a session token, or an IdentityException('session-ended') when the session is unknown,
   * revoked, idle too long or past its absolute end. Slides the idle deadline (writes at most once a minute).
   */
  async resolve(token: string): Promise<RequestIdentity & { session: SessionEntity }> {
    const now = this.clock.now();
    const session = await this.repository.findById(this.keys.sessionId(token));
    if (!session || session.revokedAt) throw new IdentityException('session-ended', SESSION_ENDED);
    if (now >= session.expiresAt) {
      await this.repository.revoke(session.id, now, 'absolute-timeout');
      throw new IdentityException('session-ended', SESSION_ENDED);
    }
    if (now.getTime() >= session.lastSeenAt.getTime() + SESSION_RULES.idleTimeoutMs) {
      await this.repository.revoke(session.id, now, 'idle-timeout');
      throw new IdentityException('session-ended', SESSION_ENDED);
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_RULES.lastSeenThrottleMs) {
      await this.repository.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return { subject: toSubject(session), token, session };
  }

  describe(identity: RequestIdentity & { session: SessionEntity }) {
    return { subject: identity.subject, csrfToken: this.keys.csrfToken(identity.token), ...this.deadlines(identity.session) };
  }

  /**
   * True when the session behind the token signed in, or proved the person again with a fresh code, within the
   * last `withinMs` (re-authentication before sensitive changes).
   */
  async provedRecently(token: string, withinMs: number): Promise<boolean> {
    const session = await this.repository.findById(this.keys.sessionId(token));
    if (!session || session.revokedAt) return false;
    const proved = Math.max(session.createdAt.getTime(), session.reauthenticatedAt?.getTime() ?? 0);
    return this.clock.now().getTime() - proved < withinMs;
  }

  /** Records that the person behind this session proved themselves again just now. */
  async markReauthenticated(token: string): Promise<Date> {
    const now = this.clock.now();
    if (!(await this.repository.markReauthenticated(this.keys.sessionId(token), now))) {
      throw new IdentityException('session-ended', SESSION_ENDED);
    }
    return now;
  }

  /** Ends every other session of the subject (this one stays). Returns how many ended. */
  endOthers(subject: Subject, token: string, reason: string): Promise<number> {
    return this.repository.revokeOthersOf(subject.type, subject.id, this.keys.sessionId(token), this.clock.now(), reason);
  }

  csrfTokenFor(token: string): string {
    return this.keys.csrfToken(token);
  }

  csrfTokenMatches(token: string, presented: string | undefined): boolean {
    return presented !== undefined && this.keys.equal(this.keys.csrfToken(token), presented);
  }

  async signOut(token: string): Promise<void> {
    await this.repository.revoke(this.keys.sessionId(token), this.clock.now(), 'signed-out');
  }

  /** Ends every session of the subject, this one included. Returns how many ended. */
  signOutEverywhere(subject: Subject): Promise<number> {
    return this.repository.revokeAllOf(subject.type, subject.id, this.clock.now(), 'signed-out-everywhere');
  }

  async list(subject: Subject): Promise<SessionSummary[]> {
    const now = this.clock.now().getTime();
    const sessions = await this.repository.findOpenOf(subject.type, subject.id, this.clock.now());
    return sessions
      .filter((session) => session.lastSeenAt.getTime() + SESSION_RULES.idleTimeoutMs > now)
      .map((session) => ({
        id: session.publicId,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        ip: session.ip,
        userAgent: session.userAgent,
        current: session.publicId === subject.sessionId,
      }));
  }

  private deadlines(session: SessionEntity) {
    const idle = session.lastSeenAt.getTime() + SESSION_RULES.idleTimeoutMs;
    return { expiresAt: session.expiresAt, idleExpiresAt: new Date(Math.min(idle, session.expiresAt.getTime())) };
  }
}

function toSubject(session: SessionEntity): Subject {
  return { type: session.subjectType, id: session.subjectId, roles: session.roles, sessionId: session.publicId };
}
