import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { deriveKey } from '../core/crypto/secrets.js';

/** The identity domain's cryptography: random tokens and codes, and the keyed hashes stored instead of them. */
@Injectable()
export class IdentityKeys {
  private readonly sessionKey: Buffer;
  private readonly codeKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.appSecret) throw new Error('APP_SECRET is not resolved: identity needs it to hash session tokens and codes');
    this.sessionKey = deriveKey(config.appSecret, 'session-token-hmac');
    this.codeKey = deriveKey(config.appSecret, 'one-time-code-hmac');
  }

  /** 256 random bits, URL-safe: session tokens and registration tickets. */
  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Six decimal digits, uniformly drawn. */
  newCode(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  sessionId(token: string): Buffer {
    return createHmac('sha256', this.sessionKey).update(`session:${token}`).digest();
  }

  /** Bound to the session token: only a page that can read the session's own cookie can echo it back. */
  csrfToken(sessionToken: string): string {
    return createHmac('sha256', this.sessionKey).update(`csrf:${sessionToken}`).digest('base64url');
  }

  /** The code's HMAC bound to its request id: the same code for another request has another hash. */
  codeHash(requestId: string, code: string): Buffer {
    return createHmac('sha256', this.codeKey).update(`code:${requestId}:${code}`).digest();
  }

  ticketId(ticket: string): Buffer {
    return createHmac('sha256', this.codeKey).update(`registration-ticket:${ticket}`).digest();
  }

  /** The stored id of an OIDC sign-in in progress: the HMAC of the handle in the browser's short-lived cookie. */
  oidcStateId(handle: string): Buffer {
    return createHmac('sha256', this.codeKey).update(`oidc-state:${handle}`).digest();
  }

  /** Rate-limit counters keep no email address or IP in clear. */
  counterKey(value: string): string {
    return createHash('sha256').update(value).digest('base64url');
  }

  equal(a: Buffer | string, b: Buffer | string): boolean {
    const left = Buffer.isBuffer(a) ? a : Buffer.from(a);
    const right = Buffer.isBuffer(b) ? b : Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
