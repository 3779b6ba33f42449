import { Inject, Injectable, Logger } from '@nestjs/common';
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey as pbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { createHmac } from 'node:crypto';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { deriveKey } from '../core/crypto/secrets.js';
import { Clock } from './clock.js';
import { IdentityException } from './identity.exception.js';
import { CAPTCHA_LIFETIME_MS, NETID_MESSAGES } from './netid-rules.js';
import { NetIdRepository } from './netid-repository.js';

const ALGORITHM = 'PBKDF2/SHA-256';

/**
 * Self-hosted ALTCHA proof-of-work (no third-party call). The portal signs each challenge (HMAC, key derived from
 * APP_SECRET for this purpose only) and gives it an expiry; a solution is accepted once: its challenge's signature
 * is stored until the challenge expires, so the same solution sent again is refused.
 */
@Injectable()
export class CaptchaService {
  private readonly logger = new Logger('Captcha');
  private readonly signatureSecret: string;
  private readonly keySignatureSecret: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: NetIdRepository,
    private readonly clock: Clock,
  ) {
    if (!config.appSecret) throw new Error('APP_SECRET is not resolved: the captcha needs it to sign challenges');
    const key = deriveKey(config.appSecret, 'captcha-hmac');
    this.signatureSecret = createHmac('sha256', key).update('altcha-challenge').digest('hex');
    this.keySignatureSecret = createHmac('sha256', key).update('altcha-derived-key').digest('hex');
  }

  /** A new challenge: the widget searches counters up to CAPTCHA_COUNTER_MAX (half of it at least). */
  createChallenge(): Promise<Challenge> {
    const { cost, counterMax } = this.config.captcha;
    return createChallenge({
      algorithm: ALGORITHM,
      cost,
      counter: randomInt(counterMax, Math.floor(counterMax / 2)),
      deriveKey: pbkdf2,
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySignatureSecret,
      expiresAt: new Date(this.clock.now().getTime() + CAPTCHA_LIFETIME_MS),
    });
  }

  /**
   * Accepts the widget's payload (base64 of `{ challenge, solution }`) once, or throws "Invalid Captcha": a missing,
   * malformed, unsigned, expired, wrong or already used solution.
   */
  async verifyOnce(payload: string | undefined): Promise<void> {
    const decoded = decodePayload(payload);
    if (!decoded) throw invalidCaptcha();
    const { challenge, solution } = decoded;
    let verified = false;
    try {
      const result = await verifySolution({
        challenge,
        solution,
        deriveKey: pbkdf2,
        hmacSignatureSecret: this.signatureSecret,
        hmacKeySignatureSecret: this.keySignatureSecret,
      });
      verified = result.verified && !result.expired;
    } catch (error) {
      this.logger.debug({ msg: 'captcha payload refused', err: error });
    }
    const expiresAt = challenge.parameters.expiresAt;
    if (!verified || typeof expiresAt !== 'number' || !challenge.signature) throw invalidCaptcha();
    // Kept a minute longer than the challenge lives, so no clock skew lets a replay through at the edge.
    if (!(await this.repository.useCaptcha(challenge.signature, new Date(expiresAt * 1000 + 60_000), this.clock.now()))) {
      throw invalidCaptcha();
    }
  }
}

function invalidCaptcha(): IdentityException {
  return new IdentityException('captcha-invalid', NETID_MESSAGES.invalidCaptcha);
}

function decodePayload(payload: string | undefined): { challenge: Challenge; solution: Solution } | null {
  if (!payload || payload.length > 8192) return null;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { challenge?: Challenge; solution?: Solution };
    if (!value?.challenge?.parameters || typeof value.challenge.parameters !== 'object' || !value.solution) return null;
    return { challenge: value.challenge, solution: value.solution };
  } catch {
    return null;
  }
}
