import { Injectable } from '@nestjs/common';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import type { StaffRole } from './roles.js';
import { SessionService, type StartedSession } from './session.service.js';

/** Who just proved who they are. */
export type SignedInSubject =
  { readonly type: 'alumnus'; readonly id: string } | { readonly type: 'staff'; readonly id: string; readonly role: StaffRole };

/**
 * The end every successful sign-in shares, whatever the method: a new session (the one the browser held is ended, so a
 * session id is never reused) and the audit line `alumnus.sign-in` / `staff.sign-in` with the method's details.
 */
@Injectable()
export class SignedInSessions {
  constructor(
    private readonly sessions: SessionService,
    private readonly effects: IdentityEffects,
  ) {}

  async start(
    subject: SignedInSubject,
    context: RequestContext,
    previousToken: string | undefined,
    details?: Record<string, unknown>,
  ): Promise<StartedSession> {
    const session = await this.sessions.start({
      subjectType: subject.type,
      subjectId: subject.id,
      roles: subject.type === 'alumnus' ? ['alumnus'] : [subject.role],
      ip: context.ip,
      userAgent: context.userAgent,
      previousToken,
    });
    await this.effects.record({
      actorType: subject.type,
      actorId: subject.id,
      action: `${subject.type}.sign-in`,
      outcome: 'success',
      context,
      ...(details ? { details } : {}),
    });
    return session;
  }
}
