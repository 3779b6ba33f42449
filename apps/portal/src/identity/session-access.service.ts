import { Injectable } from '@nestjs/common';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import type { RequestIdentity, Subject } from './roles.js';
import type { SessionEntity } from './session.entity.js';
import { SessionService, type SessionSummary } from './session.service.js';

/** What a signed-in person may do with sessions: see their own, end this one, end all of them. */
@Injectable()
export class SessionAccessService {
  constructor(
    private readonly sessions: SessionService,
    private readonly effects: IdentityEffects,
  ) {}

  describe(identity: RequestIdentity) {
    return this.sessions.describe(identity as RequestIdentity & { session: SessionEntity });
  }

  async signOut(identity: RequestIdentity, context: RequestContext): Promise<void> {
    await this.sessions.signOut(identity.token);
    await this.effects.record({
      actorType: identity.subject.type,
      actorId: identity.subject.id,
      action: `${identity.subject.type}.sign-out`,
      outcome: 'success',
      context,
    });
  }

  async signOutEverywhere(subject: Subject, context: RequestContext): Promise<number> {
    const ended = await this.sessions.signOutEverywhere(subject);
    await this.effects.record({
      actorType: subject.type,
      actorId: subject.id,
      action: `${subject.type}.sign-out-everywhere`,
      outcome: 'success',
      context,
      details: { ended },
    });
    return ended;
  }

  /** An alumnus only ever reaches their own records. */
  listOwn(subject: Subject, accountId: string): Promise<SessionSummary[]> {
    if (subject.type !== 'alumnus' || subject.id !== accountId) {
      throw new IdentityException('not-your-record', 'You can only see your own sessions.');
    }
    return this.sessions.list(subject);
  }
}
