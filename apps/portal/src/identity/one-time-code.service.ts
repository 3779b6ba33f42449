import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { MailLocale } from './alumni-account.entity.js';
import { Clock } from './clock.js';
import { CODE_RULES, RATE_LIMITS } from './identity.constants.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import type { CodePurpose, OneTimeCodeEntity } from './one-time-code.entity.js';
import { OneTimeCodeRepository } from './one-time-code.repository.js';
import { RateLimitService } from './rate-limit.service.js';

export interface CodeRequest {
  purpose: CodePurpose;
  /** Whom the code is for; null when the email is not registered: a request is made, but no code exists. */
  subjectId: string | null;
  email: string;
  locale: MailLocale;
  ip?: string | null;
}

export interface IssuedCode {
  requestId: string;
  /** The code to send; undefined when there is nobody to send it to. */
  code?: string;
  minutes: number;
}

const MINUTES = Math.round(CODE_RULES.lifetimeMs / 60_000);

/**
 * One-time codes: 6 digits, 10 minutes, single use, bound to the request that asked for them, stored as an HMAC.
 * Five wrong tries end the code; wrong tries also count against the account, and a resend resets neither.
 */
@Injectable()
export class OneTimeCodeService {
  constructor(
    private readonly repository: OneTimeCodeRepository,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
    private readonly rateLimits: RateLimitService,
  ) {}

  async issue(request: CodeRequest): Promise<IssuedCode> {
    const now = this.clock.now();
    const requestId = randomUUID();
    const code = request.subjectId ? this.keys.newCode() : undefined;
    await this.repository.insert({
      id: requestId,
      purpose: request.purpose,
      subjectId: request.subjectId,
      email: request.email,
      locale: request.locale,
      codeHash: code ? this.keys.codeHash(requestId, code) : null,
      failedTries: 0,
      createdAt: now,
      sentAt: now,
      expiresAt: new Date(now.getTime() + CODE_RULES.lifetimeMs),
      consumedAt: null,
      ip: request.ip ?? null,
    });
    return { requestId, code, minutes: MINUTES };
  }

  /** A new code for the same request, at most once a minute. Tries already used stay used. */
  async reissue(requestId: string, purpose: CodePurpose): Promise<{ request: OneTimeCodeEntity; code?: string; minutes: number }> {
    const request = await this.find(requestId, purpose);
    const now = this.clock.now();
    if (request.consumedAt) throw usedError();
    if (request.failedTries >= CODE_RULES.maxTries) throw triesUsedError();
    const wait = request.sentAt.getTime() + CODE_RULES.resendIntervalMs - now.getTime();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new IdentityException('rate-limited', `We have just sent a code. You can ask for a new one in ${seconds} seconds.`, {
        retryAfterSeconds: seconds,
      });
    }
    const code = request.subjectId ? this.keys.newCode() : undefined;
    await this.repository.replaceCode(
      request.id,
      code ? this.keys.codeHash(request.id, code) : null,
      now,
      new Date(now.getTime() + CODE_RULES.lifetimeMs),
    );
    return { request, code, minutes: MINUTES };
  }

  /**
   * Returns the request when the code is right (and marks it used); throws a clear IdentityException otherwise.
   * The try and the account's wrong-code allowance are reserved atomically before the comparison and given back
   * when the code is right, so parallel guesses cannot outrun either limit.
   */
  async verify(requestId: string, purpose: CodePurpose, code: string): Promise<OneTimeCodeEntity> {
    const request = await this.find(requestId, purpose);
    if (request.consumedAt) throw usedError();
    if (request.failedTries >= CODE_RULES.maxTries) throw triesUsedError();
    if (this.clock.now() >= request.expiresAt) {
      throw new IdentityException('code-expired', 'That code has expired. Ask for a new one.');
    }
    const accountKey = request.subjectId ?? request.email;
    await this.rateLimits.consume(RATE_LIMITS.codeFailuresPerAccount, accountKey, 'wrong codes');
    const used = await this.repository.reserveTry(request.id, CODE_RULES.maxTries);
    if (used === null) {
      // Not evaluated: another request used the code or its last try first.
      await this.rateLimits.release(RATE_LIMITS.codeFailuresPerAccount, accountKey);
      if ((await this.repository.findById(request.id))?.consumedAt) throw usedError();
      throw triesUsedError();
    }
    const right = request.codeHash !== null && this.keys.equal(this.keys.codeHash(request.id, code), request.codeHash);
    if (right) {
      await this.rateLimits.release(RATE_LIMITS.codeFailuresPerAccount, accountKey);
      if (!(await this.repository.consume(request.id, this.clock.now(), CODE_RULES.maxTries))) throw usedError();
      return request;
    }
    const left = Math.max(0, CODE_RULES.maxTries - used);
    if (left === 0) {
      throw new IdentityException('code-tries-used', 'That code is not right, and it was the last try for this code. Ask for a new one.', {
        triesLeft: 0,
      });
    }
    throw new IdentityException('code-wrong', `That code is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`, {
      triesLeft: left,
    });
  }

  /** The account a request is for (null when unknown or unregistered): for audit lines, never for answers. */
  async subjectOf(requestId: string): Promise<string | null> {
    return (await this.repository.findById(requestId))?.subjectId ?? null;
  }

  async find(requestId: string, purpose: CodePurpose): Promise<OneTimeCodeEntity> {
    const request = await this.repository.findById(requestId);
    if (!request || request.purpose !== purpose) {
      throw new IdentityException('request-unknown', 'We cannot find that request for a code. Please start again.');
    }
    return request;
  }
}

function usedError() {
  return new IdentityException('code-expired', 'That code has already been used. Ask for a new one.');
}

function triesUsedError() {
  return new IdentityException('code-tries-used', 'You have used all 5 tries for this code. Ask for a new one.', { triesLeft: 0 });
}
