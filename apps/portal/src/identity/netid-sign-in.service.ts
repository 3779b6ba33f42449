import { Injectable } from '@nestjs/common';
import { dummyPasswordHash, verifyPassword } from '../admin/staff-password.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { NetIdRepository } from './netid-repository.js';
import { NETID_RATE_LIMITS, normaliseNetId } from './netid-rules.js';
import { RateLimitService } from './rate-limit.service.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';

export const NETID_CREDENTIALS_WRONG = 'The NetID or NetPassword is not correct. Please check them and try again.';

/** Sign-in with Alumni NetID and NetPassword (FAQ 4). */
@Injectable()
export class NetIdSignInService {
  constructor(
    private readonly netIds: NetIdRepository,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly effects: IdentityEffects,
  ) {}

  /**
   * Every attempt counts against the IP address and against the (IP address, NetID) pair before the password is
   * looked at; against the NetID itself only failures count. The failure is reserved before the password check and
   * given back when the password is right, so parallel guesses cannot outrun the NetID's limit; once it is reached,
   * even the right password is refused until the window passes. An unknown NetID gets the same answer after the same
   * work (argon2id against a dummy hash): the answer never says which part was wrong.
   */
  async signIn(input: { netId: string; password: string; previousToken?: string }, context: RequestContext): Promise<StartedSession> {
    const netId = normaliseNetId(input.netId);
    const netIdKey = netId ?? input.netId.trim().toLowerCase();
    const ip = context.ip ?? 'unknown';
    await this.rateLimits.consume(NETID_RATE_LIMITS.signInPerIp, ip, 'sign-in attempts');
    await this.rateLimits.consume(NETID_RATE_LIMITS.signInPerIpAndNetId, `${ip}|${netIdKey}`, 'sign-in attempts for this NetID');
    await this.rateLimits.consume(NETID_RATE_LIMITS.signInFailuresPerNetId, netIdKey, 'sign-in attempts for this NetID');
    const row = netId ? await this.netIds.findByNetId(netId) : null;
    const passwordRight = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), input.password);
    if (!row || !passwordRight) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: row?.accountId ?? null,
        action: 'alumnus.sign-in',
        outcome: 'failure',
        context,
        details: { method: 'netid', reason: row ? 'wrong-password' : 'unknown-netid' },
      });
      throw new IdentityException('netid-credentials-wrong', NETID_CREDENTIALS_WRONG);
    }
    // Right: the failure reserved above did not happen.
    await this.rateLimits.release(NETID_RATE_LIMITS.signInFailuresPerNetId, netIdKey);
    return this.signedIn.start({ type: 'alumnus', id: row.accountId }, context, input.previousToken, { method: 'netid', netId: row.netId });
  }
}
