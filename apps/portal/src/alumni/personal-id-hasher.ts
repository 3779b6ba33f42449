import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { deriveKey } from '../core/crypto/secrets.js';

/**
 * Keyed hash of personal ID numbers (HMAC-SHA256 with a key derived from APP_SECRET for this purpose only).
 * The registry stores and compares only these hashes; without the key they cannot be reversed by trying
 * every HKID number.
 */
@Injectable()
export class PersonalIdHasher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.appSecret) {
      throw new Error('PersonalIdHasher needs APP_SECRET: resolveAppSecret() provides one before the app starts');
    }
    this.key = deriveKey(config.appSecret, 'personal-id-hmac');
  }

  /** @param normalisedHkid the canonical form from normaliseHkid(), so every spelling of a number hashes alike */
  hash(normalisedHkid: string): Buffer {
    return createHmac('sha256', this.key).update(normalisedHkid, 'utf8').digest();
  }

  /** Constant-time comparison of two hashes. */
  same(stored: Buffer, candidate: Buffer): boolean {
    return stored.length === candidate.length && timingSafeEqual(stored, candidate);
  }
}
