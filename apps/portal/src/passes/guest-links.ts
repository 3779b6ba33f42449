import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { deriveKey } from '../core/crypto/secrets.js';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The URL with guest-link tokens (`/g/<token>`, `/api/public/guest-passes/<token>`) masked, for access logs. */
export function maskGuestLinkTokens(url: string): string {
  return url.replace(/\/(g|api\/public\/guest-passes)\/[^/?#]+/g, '/$1/***');
}

/**
 * Guest links: the token is HMAC(guest-link key, pass id) — 256 bits nobody can guess without APP_SECRET, and
 * reproducible, so a host can share a guest's link again later without the portal storing the token. Only a
 * second HMAC of the token is stored, and lookups go by that hash (no token prefix ever reaches a comparison).
 */
@Injectable()
export class GuestLinks {
  private readonly key: Buffer;
  private readonly publicUrl: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (!config.appSecret) throw new Error('APP_SECRET is not resolved: guest links need it');
    this.key = deriveKey(config.appSecret, 'guest-link-hmac');
    this.publicUrl = config.http.publicUrl;
  }

  tokenFor(passId: string): string {
    return createHmac('sha256', this.key).update(`token:${passId}`).digest('base64url');
  }

  /** The stored lookup hash of a token; null for text that cannot be a token (tampered or truncated links). */
  hashOf(token: string): Buffer | null {
    if (!TOKEN_PATTERN.test(token)) return null;
    return createHmac('sha256', this.key).update(`lookup:${token}`).digest();
  }

  linkFor(passId: string): string {
    return `${this.publicUrl}/g/${this.tokenFor(passId)}`;
  }
}
