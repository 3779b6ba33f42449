import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  campusDayOf,
  campusDayToIsoDate,
  decodePass,
  encodePass,
  isoDateToCampusDay,
  isPassTokenError,
  type CampusDay,
} from '@campuspass/pass-token';
import { AuditService } from '../admin/audit.service.js';
import type { EcardEntity } from '../ecard/ecard.entity.js';
import { Clock } from '../identity/clock.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { KeysService } from '../keys/keys.service.js';
import type { MailLocale } from '../mail/mail-templates.js';
import { MailService } from '../mail/mail.service.js';
import { maskEmail } from '../mail/mask-email.js';
import type {
  DayPassResponse,
  GuestPassResponse,
  GuestPolicyResponse,
  PublicGuestPassResponse,
  ShareEmailResponse,
} from './dto/passes.dto.js';
import { GuestLinks } from './guest-links.js';
import type { PassEntity } from './pass.entity.js';
import { dateInWords, renderQrSvg } from './pass-presentation.js';
import { PassesException } from './passes.exception.js';
import { PassesRepository, type NewPass, type PassRevocation } from './passes.repository.js';

/**
 * Limits on what anyone can make the portal do in a loop: the public guest page (no sign-in; per client IP,
 * which follows TRUST_PROXY) and mail sent to guests (per account and per pass), so a stolen session or a
 * script cannot turn the portal into a mailer.
 */
export const PASSES_RATE_LIMITS = {
  guestPagePerIp: { name: 'guest-page:ip', limit: 60, windowMs: 60_000 },
  shareEmailPerAccount: { name: 'share-email:account', limit: 10, windowMs: 60 * 60_000 },
  shareEmailPerPass: { name: 'share-email:pass', limit: 3, windowMs: 60 * 60_000 },
} as const;

/** Every gate (scope bit mask 0). Zones come with the gate work. */
const ALL_GATES = 0;
const MAX_GUEST_INDEX = 255;

export interface GuestPassRequest {
  readonly date: string;
  readonly purpose: string;
  readonly guests: readonly string[];
}

export type GuestPassState = 'valid' | 'cancelled' | 'revoked' | 'expired';

/** A random 128-bit pass id, in uuid form (the pass record carries it as 32 hex characters). */
function newPassId(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const passIdHex = (id: string) => id.replaceAll('-', '');

@Injectable()
export class PassesService {
  constructor(
    private readonly repository: PassesRepository,
    private readonly keys: KeysService,
    private readonly links: GuestLinks,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly mail: MailService,
    private readonly rateLimits: RateLimitService,
  ) {}

  /** Today's day pass of the alumnus (FAQ 20): issued on first request, the same pass for the rest of the campus day. */
  async todayPass(accountId: string): Promise<DayPassResponse> {
    const now = this.clock.now();
    const today = campusDayOf(now);
    const ecard = await this.activeEcard(accountId);
    const found = await this.repository.findDayPass(ecard.id, today);
    // A new pass is checked too: its key may have been revoked between signing and storing it.
    const stored = await this.currentlySigned(found ?? (await this.issueDayPass(ecard, today, now)));
    return {
      passId: stored.id,
      campusDay: stored.campusDay,
      date: campusDayToIsoDate(stored.campusDay),
      dateInWords: dateInWords(stored.campusDay),
      qrText: stored.qrText,
      qrSvg: await renderQrSvg(stored.qrText),
    };
  }

  async guestPolicy(): Promise<GuestPolicyResponse> {
    const policy = await this.repository.guestPolicy();
    const today = campusDayOf(this.clock.now());
    return {
      maxDaysAhead: policy.maxDaysAhead,
      maxGuestsPerDay: policy.maxGuestsPerDay,
      purposes: policy.purposes,
      firstDate: campusDayToIsoDate(today),
      lastDate: campusDayToIsoDate(today + policy.maxDaysAhead),
      singleEntry: policy.singleEntry,
    };
  }

  /** New Campus Access (FAQ 21): one signed pass per guest for the date; all or nothing. */
  async createGuestPasses(accountId: string, input: GuestPassRequest, ip: string | null): Promise<GuestPassResponse[]> {
    const now = this.clock.now();
    const today = campusDayOf(now);
    const ecard = await this.activeEcard(accountId);
    const policy = await this.repository.guestPolicy();
    const day = this.guestDay(input.date, today, policy.maxDaysAhead);
    if (!policy.purposes.includes(input.purpose)) {
      throw new PassesException(
        'guest-purpose-invalid',
        `Please choose the purpose of the visit from the list: ${policy.purposes.join(', ')}.`,
        {
          purposes: policy.purposes,
        },
      );
    }
    const guests = input.guests.map((name) => name.trim());
    if (guests.length === 0 || guests.length > policy.maxGuestsPerDay) {
      throw this.limitError(policy.maxGuestsPerDay, 0, guests.length);
    }
    const { kid, signer } = await this.keys.activeSigner('pass', day);
    const created: NewPass[] = [];
    const hostActive = await this.repository.withActiveHost(ecard.id, async (tx) => {
      const usage = await tx.dayUsage(ecard.id, day);
      if (usage.activeCount + guests.length > policy.maxGuestsPerDay) {
        throw this.limitError(policy.maxGuestsPerDay, usage.activeCount, guests.length);
      }
      if (usage.maxIndex + guests.length > MAX_GUEST_INDEX) {
        throw new PassesException('guest-limit-exceeded', 'No more guest passes can be issued for this date. Please choose another date.');
      }
      guests.forEach((guestName, offset) => {
        const id = newPassId();
        const guestIndex = usage.maxIndex + offset + 1;
        const { qrText } = encodePass(
          {
            kind: 'guest',
            passId: passIdHex(id),
            campusDay: day,
            scope: ALL_GATES,
            flags: { singleEntry: policy.singleEntry },
            hostEcardId: ecard.id,
            guestIndex,
          },
          signer,
        );
        const shareTokenHash = this.links.hashOf(this.links.tokenFor(id))!;
        created.push({
          id,
          kind: 'guest',
          ecardId: ecard.id,
          guestIndex,
          guestName,
          purpose: input.purpose,
          campusDay: day,
          kid,
          qrText,
          shareTokenHash,
          createdAt: now,
        });
      });
      await tx.insert(created);
    });
    if (!hostActive) throw ecardNotActive();
    // The key may have been revoked between signing and storing: then the stored passes are signed anew at once.
    if ((await this.keys.revokedPassKids([kid])).size > 0) {
      const fresh = await this.currentlySignedAll(await this.repository.listGuestPasses(ecard.id, today));
      for (const [index, pass] of created.entries()) {
        const current = fresh.find((candidate) => candidate.id === pass.id);
        if (current) created[index] = { ...pass, kid: current.kid, qrText: current.qrText };
      }
    }
    await this.audit.record({
      actorType: 'alumnus',
      actorId: accountId,
      action: 'pass.guest.create',
      targetType: 'ecard',
      targetId: String(ecard.id),
      outcome: 'success',
      ip,
      details: { campusDay: day, purpose: input.purpose, passIds: created.map((pass) => pass.id), guests: created.length },
    });
    return created.map((pass) => this.mapGuestPass({ ...pass, status: 'active', revokedAt: null, reason: null }, today));
  }

  /** The alumnus's guest passes that have not expired (any status), by date. */
  async listGuestPasses(accountId: string): Promise<GuestPassResponse[]> {
    const today = campusDayOf(this.clock.now());
    const ecard = await this.repository.findEcardByAccount(accountId);
    if (!ecard) return [];
    const passes = await this.currentlySignedAll(await this.repository.listGuestPasses(ecard.id, today));
    return passes.map((pass) => this.mapGuestPass(pass, today));
  }

  async getGuestPass(accountId: string, id: string): Promise<GuestPassResponse> {
    const today = campusDayOf(this.clock.now());
    const pass = await this.currentlySigned(await this.ownGuestPass(accountId, id));
    const view = this.mapGuestPass(pass, today);
    return view.status === 'valid' ? { ...view, qrSvg: await renderQrSvg(pass.qrText) } : view;
  }

  async cancelGuestPass(accountId: string, id: string, ip: string | null): Promise<GuestPassResponse> {
    const now = this.clock.now();
    const pass = await this.ownGuestPass(accountId, id);
    const cancelled = await this.repository.cancelGuestPass(pass.id, pass.ecardId, now, 'cancelled by host');
    if (!cancelled) {
      throw new PassesException('pass-not-active', `This guest pass is already ${pass.status}; nothing was changed.`);
    }
    await this.audit.record({
      actorType: 'alumnus',
      actorId: accountId,
      action: 'pass.guest.cancel',
      targetType: 'pass',
      targetId: pass.id,
      outcome: 'success',
      ip,
      details: { ecardId: pass.ecardId, campusDay: pass.campusDay },
    });
    return this.mapGuestPass(cancelled, campusDayOf(now));
  }

  /** Sends the guest's pass to the guest by email: name, date in words, the QR inline and the link. */
  async shareByEmail(accountId: string, id: string, to: string, locale: MailLocale, ip: string | null): Promise<ShareEmailResponse> {
    const pass = await this.currentlySigned(await this.ownGuestPass(accountId, id));
    const status = guestState(pass, campusDayOf(this.clock.now()));
    if (status !== 'valid') {
      throw new PassesException('pass-not-active', `This guest pass is ${status}, so it cannot be shared. Create a new one if needed.`);
    }
    // A share refused by one limit must not spend the other: the account's limit is checked (not counted) first,
    // then the pass's is counted, and the account's only once the pass allowed the share.
    const accountLimit = [
      PASSES_RATE_LIMITS.shareEmailPerAccount,
      `account:${accountId}`,
      'guest passes emailed from your account',
    ] as const;
    await this.rateLimits.check(...accountLimit);
    await this.rateLimits.consume(PASSES_RATE_LIMITS.shareEmailPerPass, `pass:${pass.id}`, 'emails of this guest pass');
    await this.rateLimits.consume(...accountLimit);
    const result = await this.mail.send({
      to,
      template: 'guest-pass',
      locale,
      data: {
        guestName: pass.guestName!,
        date: dateInWords(pass.campusDay)[locale],
        purpose: pass.purpose!,
        link: this.links.linkFor(pass.id),
        qrText: pass.qrText,
      },
    });
    await this.audit.record({
      actorType: 'alumnus',
      actorId: accountId,
      action: 'pass.guest.share-email',
      targetType: 'pass',
      targetId: pass.id,
      outcome: 'success',
      ip,
      details: { to: maskEmail(to), locale },
    });
    return { delivery: result.delivery, to: maskEmail(to) };
  }

  /** The public guest page behind a shared link: no sign-in, the QR only while the pass is valid. */
  async publicGuestPass(token: string, ip: string | null): Promise<PublicGuestPassResponse> {
    await this.rateLimits.consume(PASSES_RATE_LIMITS.guestPagePerIp, `ip:${ip ?? 'unknown'}`, 'guest page requests from your network');
    const hash = this.links.hashOf(token);
    const found = hash ? await this.repository.findGuestPassByShareHash(hash) : null;
    const pass = found ? await this.currentlySigned(found) : null;
    if (!pass) {
      throw new PassesException(
        'guest-link-not-found',
        'This guest access link is not valid. Please check that the whole link was copied, or ask the alumnus who invited you to share it again.',
      );
    }
    const status = guestState(pass, campusDayOf(this.clock.now()));
    return {
      guestName: pass.guestName!,
      date: campusDayToIsoDate(pass.campusDay),
      dateInWords: dateInWords(pass.campusDay),
      status,
      ...(status === 'valid' ? { qrSvg: await renderQrSvg(pass.qrText) } : {}),
    };
  }

  /**
   * The AAO revokes an eCard: the card and its own and its guests' passes for today and later are revoked in one
   * database transaction, and the passes' revocation is audited. Returns the revoked pass ids, or null (nothing
   * changed) when the eCard does not exist or is not active.
   */
  async revokeEcard(
    ecardId: number,
    reason: string,
    now: Date,
    actor: { type: 'staff'; id: string; ip: string | null },
  ): Promise<string[] | null> {
    const passIds = await this.repository.revokeEcard(ecardId, campusDayOf(now), now, reason);
    if (passIds && passIds.length > 0) {
      await this.audit.record({
        actorType: actor.type,
        actorId: actor.id,
        action: 'pass.revoke',
        targetType: 'ecard',
        targetId: String(ecardId),
        outcome: 'success',
        ip: actor.ip,
        details: { reason, passIds },
      });
    }
    return passIds;
  }

  /** Revoked and cancelled passes whose campus day is `today` or later: what the gate bundle must carry. */
  unexpiredRevocations(today: CampusDay): Promise<PassRevocation[]> {
    return this.repository.unexpiredRevocations(today);
  }

  private async issueDayPass(ecard: EcardEntity, today: CampusDay, now: Date): Promise<PassEntity> {
    const { kid, signer } = await this.keys.activeSigner('pass', today);
    const id = newPassId();
    const { qrText } = encodePass(
      { kind: 'alumni-day', passId: passIdHex(id), campusDay: today, scope: ALL_GATES, flags: { singleEntry: false }, ecardId: ecard.id },
      signer,
    );
    // A concurrent request may have stored its pass first; the unique index keeps one and both get it.
    const stored = await this.repository.insertDayPass({
      id,
      kind: 'alumni-day',
      ecardId: ecard.id,
      guestIndex: null,
      guestName: null,
      purpose: null,
      campusDay: today,
      kid,
      qrText,
      shareTokenHash: null,
      createdAt: now,
    });
    if (!stored) throw ecardNotActive('revoked');
    return stored;
  }

  /**
   * The pass as it must be shown: if the key that signed it has been revoked (KeysService.revoke), it is signed
   * anew with the active key (same pass id, fields and day) and stored, so the holder's next look at it (the day
   * pass, the host's guest list, the guest's /g/ page, a new share email) gives a code the gates trust. The gate
   * bundle needs no change: it lists passes by id, not by key.
   */
  private async currentlySigned(pass: PassEntity): Promise<PassEntity> {
    return (await this.currentlySignedAll([pass]))[0]!;
  }

  private async currentlySignedAll(passes: PassEntity[]): Promise<PassEntity[]> {
    const today = campusDayOf(this.clock.now());
    const live = passes.filter((pass) => pass.status === 'active' && pass.campusDay >= today);
    if (live.length === 0) return passes;
    const revoked = await this.keys.revokedPassKids(live.map((pass) => pass.kid));
    if (revoked.size === 0) return passes;
    const result: PassEntity[] = [];
    for (const pass of passes) result.push(live.includes(pass) && revoked.has(pass.kid) ? await this.signAnew(pass) : pass);
    return result;
  }

  private async signAnew(pass: PassEntity): Promise<PassEntity> {
    const { kid, signer } = await this.keys.activeSigner('pass', pass.campusDay);
    const { qrText } = encodePass(decodePass(pass.qrText).fields, signer);
    const { pass: stored, replaced } = await this.repository.replaceSignature(pass.id, pass.kid, kid, qrText);
    if (replaced) {
      await this.audit.record({
        actorType: 'system',
        actorId: 'key-revocation',
        action: 'pass.resign',
        targetType: 'pass',
        targetId: pass.id,
        outcome: 'success',
        ip: null,
        details: { kind: pass.kind, campusDay: pass.campusDay, revokedKid: pass.kid, kid },
      });
    }
    return stored ?? pass;
  }

  private async activeEcard(accountId: string): Promise<EcardEntity> {
    const ecard = await this.repository.findEcardByAccount(accountId);
    if (!ecard || ecard.status !== 'active') throw ecardNotActive(ecard?.status);
    return ecard;
  }

  private async ownGuestPass(accountId: string, id: string): Promise<PassEntity> {
    const ecard = await this.repository.findEcardByAccount(accountId);
    const pass = ecard ? await this.repository.findGuestPass(id, ecard.id) : null;
    if (!pass) throw new PassesException('pass-not-found', 'There is no guest pass with this id among yours. Reload your guest list.');
    return pass;
  }

  private guestDay(date: string, today: CampusDay, maxDaysAhead: number): CampusDay {
    const last = today + maxDaysAhead;
    const range = { firstDate: campusDayToIsoDate(today), lastDate: campusDayToIsoDate(last) };
    let day: CampusDay;
    try {
      day = isoDateToCampusDay(date);
    } catch (error) {
      if (!isPassTokenError(error)) throw error;
      throw new PassesException('guest-date-invalid', 'The access date is not a valid date. Please enter it as YYYY-MM-DD.', range);
    }
    if (day < today) {
      throw new PassesException(
        'guest-date-invalid',
        `The access date ${date} has passed. Please choose a date from ${range.firstDate} to ${range.lastDate}.`,
        range,
      );
    }
    if (day > last) {
      throw new PassesException(
        'guest-date-invalid',
        `Guest access can be arranged at most ${maxDaysAhead} days ahead. Please choose a date from ${range.firstDate} to ${range.lastDate}.`,
        range,
      );
    }
    return day;
  }

  private limitError(max: number, existing: number, requested: number): PassesException {
    const left = Math.max(0, max - existing);
    return new PassesException(
      'guest-limit-exceeded',
      requested === 0
        ? 'Please enter at least one guest name.'
        : `You can invite at most ${max} guests per day${existing > 0 ? ` and already have ${existing} for this date` : ''}: ${left} more can be added. Nothing was saved.`,
      { maxGuestsPerDay: max, existing, requested },
    );
  }

  private mapGuestPass(pass: PassEntity, today: CampusDay): GuestPassResponse {
    const status = guestState(pass, today);
    const link = this.links.linkFor(pass.id);
    const words = dateInWords(pass.campusDay);
    return {
      id: pass.id,
      guestName: pass.guestName!,
      purpose: pass.purpose!,
      date: campusDayToIsoDate(pass.campusDay),
      dateInWords: words,
      status,
      ...(status === 'valid'
        ? {
            qrText: pass.qrText,
            share: { link, whatsappUrl: `https://wa.me/?text=${encodeURIComponent(shareMessage(pass.guestName!, words, link))}` },
          }
        : {}),
    };
  }
}

function guestState(pass: PassEntity, today: CampusDay): GuestPassState {
  if (pass.status === 'cancelled') return 'cancelled';
  if (pass.status === 'revoked') return 'revoked';
  return pass.campusDay < today ? 'expired' : 'valid';
}

/** The text shared by WhatsApp: both languages, as the portal's mails are. */
export function shareMessage(guestName: string, words: { en: string; 'zh-Hant': string }, link: string): string {
  return `${guestName}, you are invited to PolyU campus on ${words.en}. Show this QR code at the turnstile: ${link}\n${guestName}，誠邀您於${words['zh-Hant']}到訪理大校園，請於閘機出示此二維碼：${link}`;
}

function ecardNotActive(status?: string): PassesException {
  return status === 'revoked'
    ? new PassesException(
        'ecard-not-active',
        'Your Alumni eCard has been revoked, so no campus access QR code can be issued. Please contact the Alumni Affairs Office at alumni@polyu.edu.hk or (852) 2766 4117 / 2766 4102.',
      )
    : new PassesException(
        'ecard-not-active',
        'Please activate your Alumni eCard first: update your contact information in "My Profile", then upload your photo in the "Alumni eCard" section.',
      );
}
