import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { normaliseEmail } from './email-sign-in.service.js';
import { GraduateDirectory, type GraduateIdentityQuery } from './graduate-directory.js';
import { CODE_RULES, RATE_LIMITS, REGISTRATION_TICKET_LIFETIME_MS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { maskEmailForDisplay } from './mask-email.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import type { RegistrationTicketEntity } from './registration-ticket.entity.js';
import { RegistrationTicketRepository } from './registration-ticket.repository.js';
import type { StartedSession } from './session.service.js';
import { SignedInSessions } from './signed-in-sessions.js';

/** The FAQ's message when the registry has no graduate with these details. */
export const IDENTITY_NOT_MATCHED_MESSAGE = 'The information you entered is not correct';

export interface IdentifyResult {
  ticket: string;
  /** The email to offer, masked: the registered sign-in email if there is one, else the email on record. */
  maskedEmail: string | null;
  alreadyRegistered: boolean;
  expiresAt: Date;
}

/**
 * "Register Email or Forget Email" (FAQ 3): validate against the graduate registry, keep the email shown or
 * enter another, confirm it with a code, and sign in.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly directory: GraduateDirectory,
    private readonly accounts: AlumniAccountRepository,
    private readonly tickets: RegistrationTicketRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly signedIn: SignedInSessions,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  async identify(query: GraduateIdentityQuery, context: RequestContext): Promise<IdentifyResult> {
    await this.rateLimits.consume(RATE_LIMITS.registryLookupPerIp, context.ip ?? 'unknown', 'attempts');
    const graduate = await this.directory.findGraduateByIdentity(query);
    if (!graduate) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.register-email.identify',
        outcome: 'failure',
        context,
        details: { reason: 'identity-not-matched' },
      });
      throw new IdentityException('identity-not-matched', IDENTITY_NOT_MATCHED_MESSAGE);
    }
    const account = await this.accounts.findByGraduateId(graduate.id);
    const emailOnRecord = account?.email ?? (graduate.email ? normaliseEmail(graduate.email) : null);
    const now = this.clock.now();
    const ticket = this.keys.newToken();
    const expiresAt = new Date(now.getTime() + REGISTRATION_TICKET_LIFETIME_MS);
    await this.tickets.insert({
      id: this.keys.ticketId(ticket),
      graduateId: graduate.id,
      emailOnRecord,
      codeRequestId: null,
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    await this.effects.record({
      actorType: 'alumnus',
      actorId: account?.id ?? null,
      action: 'alumnus.register-email.identify',
      outcome: 'success',
      context,
      targetType: 'graduate',
      targetId: graduate.id,
    });
    return { ticket, maskedEmail: emailOnRecord && maskEmailForDisplay(emailOnRecord), alreadyRegistered: !!account, expiresAt };
  }

  /** Sends a verification code to the chosen email (the one shown when `email` is left out). */
  async chooseEmail(
    input: { ticket: string; email?: string; locale: MailLocale },
    context: RequestContext,
  ): Promise<{ maskedEmail: string }> {
    const ticket = await this.validTicket(input.ticket);
    const email = input.email ? normaliseEmail(input.email) : ticket.emailOnRecord;
    if (!email) {
      throw new IdentityException(
        'email-missing',
        'We have no email address on record for you. Please enter the email you want to sign in with.',
      );
    }
    await this.assertEmailFree(email, ticket.graduateId);
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerIp, context.ip ?? 'unknown', 'requests for a code');
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, email, 'requests for a code for this email');

    const current = ticket.codeRequestId ? await this.codes.find(ticket.codeRequestId, 'email-verification').catch(() => null) : null;
    let sent: { code?: string; minutes: number };
    if (current && current.email === email && !current.consumedAt && current.failedTries < CODE_RULES.maxTries) {
      // The same address again is a resend: throttled, and the tries already used stay used.
      sent = await this.codes.reissue(current.id, 'email-verification');
    } else {
      const issued = await this.codes.issue({
        purpose: 'email-verification',
        subjectId: ticket.graduateId,
        email,
        locale: input.locale,
        ip: context.ip,
      });
      await this.tickets.setCodeRequest(ticket.id, issued.requestId);
      sent = issued;
    }
    if (sent.code) {
      this.effects.sendInBackground({
        to: email,
        template: 'email-verification-code',
        locale: input.locale,
        data: { code: sent.code, minutes: sent.minutes },
      });
    }
    return { maskedEmail: maskEmailForDisplay(email) };
  }

  /** Registers the email (creating the account, or replacing a forgotten email) and signs in. */
  async verify(input: { ticket: string; code: string; previousToken?: string }, context: RequestContext): Promise<StartedSession> {
    // Counted before the ticket is looked at, like every other code check: guesses across tickets are tries too.
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    const ticket = await this.validTicket(input.ticket);
    if (!ticket.codeRequestId) {
      throw new IdentityException('request-unknown', 'Please choose the email to register first; we will send a code to it.');
    }
    try {
      const request = await this.codes.verify(ticket.codeRequestId, 'email-verification', input.code);
      await this.assertEmailFree(request.email, ticket.graduateId);
      if (!(await this.tickets.markUsed(ticket.id, this.clock.now()))) throw ticketError();
      const { account, previousEmail } = await this.accounts
        .upsertEmail(ticket.graduateId, request.email, request.locale, this.clock.now())
        .catch((error: unknown) => {
          throw isUniqueViolation(error) ? emailTakenError() : error;
        });
      for (const to of [account.email, previousEmail]) {
        if (to) this.effects.sendInBackground({ to, template: 'email-registered', locale: request.locale, data: { email: account.email } });
      }
      await this.effects.record({
        actorType: 'alumnus',
        actorId: account.id,
        action: 'alumnus.register-email',
        outcome: 'success',
        context,
        targetType: 'graduate',
        targetId: ticket.graduateId,
        details: { emailChanged: previousEmail !== null },
      });
      return await this.signedIn.start({ type: 'alumnus', id: account.id }, context, input.previousToken, { method: 'email-registration' });
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.register-email',
        outcome: 'failure',
        context,
        targetType: 'graduate',
        targetId: ticket.graduateId,
        details: { reason: this.effects.reason(error) },
      });
      throw error;
    }
  }

  private async validTicket(ticket: string): Promise<RegistrationTicketEntity> {
    const row = await this.tickets.findById(this.keys.ticketId(ticket));
    if (!row || row.usedAt || this.clock.now() >= row.expiresAt) throw ticketError();
    return row;
  }

  private async assertEmailFree(email: string, graduateId: string): Promise<void> {
    const holder = await this.accounts.findByEmail(email);
    if (holder && holder.graduateId !== graduateId) throw emailTakenError();
  }
}

function ticketError() {
  return new IdentityException(
    'ticket-invalid',
    'This registration has expired or was already completed. Please enter your information again.',
  );
}

function emailTakenError() {
  return new IdentityException(
    'email-taken',
    'This email address is already registered by another alumnus. Please enter another email, or contact the Alumni Affairs Office.',
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}
