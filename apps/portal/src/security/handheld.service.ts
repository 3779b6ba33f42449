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
import { DEFAULT_GATE_POLICY } from '../gates/gates.service.js';
import { Clock } from '../identity/clock.js';
import { isIdentityException } from '../identity/identity.exception.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { KeysService } from '../keys/keys.service.js';
import { AlertsService } from './alerts.service.js';
import { SecurityFeed } from './security-feed.js';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { SecurityException } from './security.exception.js';
import { SecurityRepository, type PassUsage } from './security.repository.js';

/** Where a check is recorded when the guard names no location. */
export const DEFAULT_HANDHELD_LOCATION = 'Handheld check';

/**
 * The re-entry window of a handheld point: a handheld row has no policy of its own, so it takes the default every
 * gate starts with (DEFAULT_GATE_POLICY.reEntryWindowSeconds, 60 s: what gate registration stores and the gate
 * bundle then carries, and the gate table's column default). A grant at a turnstile counts with the longer of this
 * and that gate's own policy window.
 */
export const HANDHELD_REENTRY_WINDOW_SECONDS = DEFAULT_GATE_POLICY.reEntryWindowSeconds;

/** How many locations one staff member may add per day (a typo or a script must not fill the gate list). */
export const NEW_HANDHELD_LOCATIONS_PER_DAY = 10;

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
  're-entry-window':
    'This pass was admitted moments ago (within the re-entry window). Do not admit again now; check with the colleague who admitted it.',
  'already-used': 'This single-entry pass was used already today. Do not admit; the holder needs a new pass.',
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
    const location = await this.location(input.location ?? DEFAULT_HANDHELD_LOCATION, input.staffId);
    const now = this.clock.now();
    const today = campusDayOf(now.getTime());
    const text = input.qr.replace(/[\r\n]+$/, '');
    const decided = await this.decide(text, today);
    const { pass, verified } = decided;
    const operator = (await this.repository.staffName(input.staffId)) ?? 'security staff';
    let reason: HandheldReason | null = decided.reason;
    const event = await this.repository.insertHandheldEvent(
      location,
      (gateId, sequence, usage) => {
        // Decided under the pass's lock, with its grants so far: a concurrent check of the same pass waits for this one.
        if (reason === null && usage) reason = usageReason(decided.singleEntry, usage);
        return {
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
        };
      },
      now,
      ['handheld'],
      decided.reason === null && pass ? { passId: pass.passId, defaultWindowSeconds: HANDHELD_REENTRY_WINDOW_SECONDS } : undefined,
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

  /**
   * The handheld point to record at: an existing one of that name (case and spacing as first written), else a new
   * one, unless a turnstile bears the name (a handheld entry must not pass for that gate's) or this staff member
   * has added too many locations today.
   */
  private async location(requested: string, staffId: string): Promise<string> {
    const location = requested.trim().replace(/\s+/g, ' ');
    const known = await this.repository.locationNamed(location);
    if (known.handheldName !== null) return known.handheldName;
    if (known.turnstile) {
      throw new SecurityException(
        'handheld-location-taken',
        `location "${location}" is the name of a turnstile gate: name the side door where you check instead, e.g. "${location} side door".`,
      );
    }
    try {
      await this.rateLimits.consume(
        { name: 'security-handheld-new-location', limit: NEW_HANDHELD_LOCATIONS_PER_DAY, windowMs: 86_400_000 },
        staffId,
        'new handheld locations',
      );
    } catch (error) {
      if (!isIdentityException(error) || error.code !== 'rate-limited') throw error;
      throw new SecurityException(
        'handheld-locations-exhausted',
        `You added ${NEW_HANDHELD_LOCATIONS_PER_DAY} new check locations today, the most allowed. Choose one you used before (or leave the location out), or try again tomorrow.`,
      );
    }
    return location;
  }

  private async decide(
    text: string,
    today: number,
  ): Promise<{ reason: HandheldReason | null; pass: GateEvent['pass']; verified: boolean; singleEntry: boolean }> {
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
      return { reason, pass, verified: false, singleEntry: false };
    }
    const pass = eventPass(decoded);
    const singleEntry = decoded.fields.flags.singleEntry;
    if (pass.campusDay !== today) return { reason: 'wrong-day', pass, verified: true, singleEntry };
    const row = await this.repository.pass(pass.passId);
    if (!row || row.kind !== pass.kind || row.ecardId !== pass.ecardId || row.campusDay !== pass.campusDay) {
      return { reason: 'pass-not-found', pass, verified: true, singleEntry };
    }
    if (row.status === 'revoked') return { reason: 'revoked', pass, verified: true, singleEntry };
    if (row.status === 'cancelled') return { reason: 'pass-cancelled', pass, verified: true, singleEntry };
    return { reason: null, pass, verified: true, singleEntry };
  }
}

/** A valid pass's verdict from its grants so far: a single-entry pass once only; any pass not again within the window. */
export function usageReason(singleEntry: boolean, usage: PassUsage): HandheldReason | null {
  if (singleEntry && usage.granted) return 'already-used';
  if (usage.grantedWithinWindowAt !== null) return 're-entry-window';
  return null;
}
