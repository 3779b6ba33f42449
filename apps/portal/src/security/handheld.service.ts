import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GATE_EVENT_FORMAT, type DenialReason, type GateEvent, type HandheldVerdict } from '@campuspass/contracts';
import {
  campusDayOf,
  campusDayToIsoDate,
  decodePass,
  isPassTokenError,
  KeySet,
  verifyPass,
  type DecodedPass,
  type PassTokenErrorReason,
} from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import { Clock } from '../identity/clock.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { KeysService } from '../keys/keys.service.js';
import { AlertsService } from './alerts.service.js';
import { SecurityFeed } from './security-feed.js';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { SecurityRepository } from './security.repository.js';

/** Where a check is recorded when the guard names no location. */
export const DEFAULT_HANDHELD_LOCATION = 'Handheld check';

export type HandheldReason = DenialReason | 'pass-cancelled' | 'pass-not-found';

const MESSAGES: Record<HandheldReason | 'granted', string> = {
  granted: 'Valid pass for today. Compare the photo with the person.',
  malformed: 'This is not a CampusPass QR code. Ask for the pass in the CampusPass app or the guest link.',
  'unknown-key': 'This pass was not signed by the portal (unknown key). Do not admit; it may be forged.',
  'bad-signature': 'The signature of this pass is not valid: it was altered or forged. Do not admit.',
  'key-not-valid-for-day': 'The signing key does not cover the day of this pass. Do not admit.',
  'wrong-day': 'This pass is for another day. It is valid only on the day printed on it.',
  'not-for-this-gate': 'This pass is not valid here.',
  'kind-not-allowed': 'This kind of pass is not admitted here.',
  revoked: 'This pass was revoked by the Alumni Affairs Office. Do not admit.',
  're-entry-window': 'This pass was used moments ago.',
  'already-used': 'This single-entry pass was used already.',
  'outside-hours': 'Outside opening hours.',
  'clock-untrusted': 'The time cannot be trusted; check again.',
  'no-bundle': 'No pass data available; check again.',
  'pass-cancelled': 'This guest pass was cancelled by the inviting alumnus. Do not admit.',
  'pass-not-found': 'The portal has no record of this pass. Do not admit.',
};

function denialFor(reason: PassTokenErrorReason): DenialReason {
  switch (reason) {
    case 'unknown-kid':
      return 'unknown-key';
    case 'bad-signature':
      return 'bad-signature';
    case 'key-not-valid':
      return 'key-not-valid-for-day';
    default:
      return 'malformed';
  }
}

function eventPass(decoded: DecodedPass): NonNullable<GateEvent['pass']> {
  const fields = decoded.fields;
  return fields.kind === 'alumni-day'
    ? { passId: fields.passId, kind: fields.kind, campusDay: fields.campusDay, ecardId: fields.ecardId, guestIndex: null }
    : { passId: fields.passId, kind: fields.kind, campusDay: fields.campusDay, ecardId: fields.hostEcardId, guestIndex: fields.guestIndex };
}

export interface HandheldCheck {
  readonly qr: string;
  readonly location?: string;
  readonly staffId: string;
}

/**
 * The handheld check at a side door: verifies the QR text against the portal's published pass keys, today's
 * campus day (Hong Kong) and the pass row (revoked, cancelled), then records the verdict as an entry of the
 * location's handheld gate, so search, reports and the live feed see it like a turnstile's scan.
 */
@Injectable()
export class HandheldService {
  private readonly verifier = createNodeVerifier();

  constructor(
    private readonly repository: SecurityRepository,
    private readonly keys: KeysService,
    private readonly rateLimits: RateLimitService,
    private readonly alerts: AlertsService,
    private readonly feed: SecurityFeed,
    private readonly clock: Clock,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
  ) {}

  async check(input: HandheldCheck): Promise<HandheldVerdict> {
    await this.rateLimits.consume(
      { name: 'security-handheld-check', limit: this.settings.handheldChecksPerMinute, windowMs: 60_000 },
      input.staffId,
      'handheld checks',
    );
    const now = this.clock.now();
    const today = campusDayOf(now.getTime());
    const text = input.qr.replace(/[\r\n]+$/, '');
    const { reason, pass, verified } = await this.decide(text, today);
    const operator = (await this.repository.staffName(input.staffId)) ?? 'security staff';
    const location = input.location ?? DEFAULT_HANDHELD_LOCATION;
    const event = await this.repository.insertHandheldEvent(
      location,
      (gateId, sequence) => ({
        format: GATE_EVENT_FORMAT,
        eventId: randomUUID(),
        gateId,
        sequence,
        type: 'scan',
        occurredAt: now.toISOString(),
        clockTrusted: true,
        bundleVersion: 0,
        decision: reason === null ? 'granted' : 'denied',
        reason,
        pass,
        passage: null,
        scanEventId: null,
        operator,
        detail: `Handheld check at ${location}`,
      }),
      now,
      ['handheld'],
    );
    const [entry] = await this.repository.entries([{ gateId: event.gateId, eventId: event.eventId }]);
    if (entry) {
      await this.feed.publish({ type: 'entry', data: entry });
      await this.alerts.raiseFromEntries([entry]);
    }
    return {
      decision: reason === null ? 'granted' : 'denied',
      reason,
      message: MESSAGES[reason ?? 'granted'],
      // Names and photos only for a pass the portal signed: a forged one could name anybody.
      holder: verified ? (entry?.holder ?? null) : null,
      campusDay: pass ? campusDayToIsoDate(pass.campusDay) : null,
      eventId: event.eventId,
    };
  }

  private async decide(
    text: string,
    today: number,
  ): Promise<{ reason: HandheldReason | null; pass: GateEvent['pass']; verified: boolean }> {
    const keySet = new KeySet(
      (await this.keys.publishedKeys(today)).map((key) => ({
        publicKey: key.publicKey,
        ...(key.notBeforeDay === undefined ? {} : { notBeforeDay: key.notBeforeDay }),
        ...(key.notAfterDay === undefined ? {} : { notAfterDay: key.notAfterDay }),
      })),
    );
    let decoded: DecodedPass;
    try {
      decoded = verifyPass(text, keySet, this.verifier);
    } catch (error) {
      const reason = isPassTokenError(error) ? denialFor(error.reason) : 'malformed';
      let pass: GateEvent['pass'] = null;
      if (reason !== 'malformed') {
        try {
          pass = eventPass(decodePass(text));
        } catch {
          pass = null;
        }
      }
      return { reason, pass, verified: false };
    }
    const pass = eventPass(decoded);
    if (pass.campusDay !== today) return { reason: 'wrong-day', pass, verified: true };
    const row = await this.repository.pass(pass.passId);
    if (!row || row.kind !== pass.kind || row.ecardId !== pass.ecardId || row.campusDay !== pass.campusDay) {
      return { reason: 'pass-not-found', pass, verified: true };
    }
    if (row.status === 'revoked') return { reason: 'revoked', pass, verified: true };
    if (row.status === 'cancelled') return { reason: 'pass-cancelled', pass, verified: true };
    return { reason: null, pass, verified: true };
  }
}
