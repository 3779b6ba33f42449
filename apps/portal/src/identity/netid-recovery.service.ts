import { Injectable } from '@nestjs/common';
import { hashPassword } from '../admin/staff-password.js';
import { RegistryService } from '../alumni/registry.service.js';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { netPasswordProblem } from './common-passwords.js';
import type { GraduateIdentityQuery } from './graduate-directory.js';
import { RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { maskEmailForDisplay } from './mask-email.js';
import { NetIdRepository, type NetIdTicketPurpose, type NetIdTicketRow } from './netid-repository.js';
import { NETID_MESSAGES, NETID_RATE_LIMITS, NETID_TICKET_LIFETIME_MS, netIdEligibility, normaliseNetId } from './netid-rules.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';
import { SessionRepository } from './session.repository.js';

export interface NetIdCodeSent {
  /** Short-lived; send it back with the code. */
  ticket: string;
  maskedEmail: string;
  expiresAt: Date;
}

/**
 * "Forgot NetID" and "Forgot NetPassword" (FAQ 10–11): the details are checked against the registry, a 6-digit
 * code goes to the registered email, and the right code shows the NetID or sets a new NetPassword. A reset ends
 * every session of the account. Codes are the one-time code service's (hashed, 10 minutes, single use, bound to
 * the request, failures counted per account); the ticket binds the code's request to this flow.
 */
@Injectable()
export class NetIdRecoveryService {
  constructor(
    private readonly registry: RegistryService,
    private readonly accounts: AlumniAccountRepository,
    private readonly netIds: NetIdRepository,
    private readonly codes: OneTimeCodeService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionRepository,
    private readonly keys: IdentityKeys,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  /** Forgot NetID, step 1: details → code to the registered email. */
  startForgotNetId(input: GraduateIdentityQuery & { locale: MailLocale }, context: RequestContext): Promise<NetIdCodeSent> {
    return this.start('forgot-netid', input, context);
  }

  /** Forgot NetID, step 2: the right code shows the NetID. */
  async finishForgotNetId(input: { ticket: string; code: string }, context: RequestContext): Promise<{ netId: string }> {
    const ticket = await this.redeem('forgot-netid', input, context);
    return { netId: ticket.netId };
  }

  /** Forgot NetPassword, step 1: NetID and details → code to the registered email. */
  startForgotPassword(
    input: GraduateIdentityQuery & { netId: string; locale: MailLocale },
    context: RequestContext,
  ): Promise<NetIdCodeSent> {
    return this.start('forgot-password', input, context);
  }

  /** Forgot NetPassword, step 2: the right code and a new NetPassword; every session of the account ends. */
  async finishForgotPassword(
    input: { ticket: string; code: string; password: string },
    context: RequestContext,
  ): Promise<{ netId: string; sessionsEnded: number }> {
    // Counted before the ticket is looked at (guesses across tickets are tries too), and only once.
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    const found = await this.validTicket('forgot-password', input.ticket);
    // Checked before the code is used up, so a refused password does not cost the code.
    const problem = netPasswordProblem(input.password, [found.netId]);
    if (problem) throw new IdentityException('password-rejected', problem);
    const ticket = await this.redeem('forgot-password', input, context, { counted: true });
    const now = this.clock.now();
    await this.netIds.setPassword(ticket.netId, await hashPassword(input.password), now);
    const sessionsEnded = await this.sessions.revokeAllOf('alumnus', ticket.accountId, now, 'netpassword-reset');
    await this.effects.record({
      actorType: 'alumnus',
      actorId: ticket.accountId,
      action: 'alumnus.netid.password-reset',
      outcome: 'success',
      context,
      targetType: 'netid',
      targetId: ticket.netId,
      details: { sessionsEnded },
    });
    return { netId: ticket.netId, sessionsEnded };
  }

  private async start(
    purpose: NetIdTicketPurpose,
    input: GraduateIdentityQuery & { netId?: string; locale: MailLocale },
    context: RequestContext,
  ): Promise<NetIdCodeSent> {
    await this.rateLimits.consume(NETID_RATE_LIMITS.detailsPerIp, context.ip ?? 'unknown', 'attempts');
    const graduate = await this.registry.findGraduateByIdentity(input);
    const row = graduate ? await this.netIds.findByGraduateId(graduate.id) : null;
    // From 2011 on the Student NetID is the Alumni NetID (FAQ 8): "Forgot NetID" shows it the same way. Its
    // NetPassword is the university's, so "Forgot NetPassword" is only for registered Alumni NetIDs.
    const eligibility = graduate && !row && purpose === 'forgot-netid' ? netIdEligibility(graduate) : null;
    const studentNetId = eligibility && !eligibility.eligible && eligibility.reason === 'student-netid' ? graduate?.studentNetId : null;
    const netId = row?.netId ?? studentNetId ?? null;
    const account = row
      ? await this.accounts.findById(row.accountId)
      : graduate && studentNetId
        ? await this.accounts.findByGraduateId(graduate.id)
        : null;
    // Wrong details, no NetID, no registered email, or (reset) a NetID that is not this person's: the FAQ's one answer.
    const netIdMatches = purpose === 'forgot-netid' || (row !== null && normaliseNetId(input.netId ?? '') === row.netId);
    if (!graduate || !netId || !account || !netIdMatches) {
      await this.effects.record({
        actorType: 'alumnus',
        action: `alumnus.netid.${purpose}`,
        outcome: 'failure',
        context,
        details: {
          reason: !graduate ? 'identity-not-matched' : !netId ? 'no-netid' : !account ? 'no-registered-email' : 'netid-not-matched',
        },
      });
      throw new IdentityException('identity-not-matched', NETID_MESSAGES.notCorrect);
    }
    await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, account.email, 'requests for a code for this email');
    const issued = await this.codes.issue({
      purpose: 'netid-recovery',
      subjectId: account.id,
      email: account.email,
      locale: input.locale,
      ip: context.ip,
    });
    const now = this.clock.now();
    const ticket = this.keys.newToken();
    const expiresAt = new Date(now.getTime() + NETID_TICKET_LIFETIME_MS);
    await this.netIds.insertTicket({
      id: this.ticketId(ticket),
      purpose,
      graduateId: graduate.id,
      accountId: account.id,
      netId,
      codeRequestId: issued.requestId,
      createdAt: now,
      expiresAt,
    });
    this.effects.sendInBackground({
      to: account.email,
      template: 'email-verification-code',
      locale: input.locale,
      data: { code: issued.code!, minutes: issued.minutes },
    });
    await this.effects.record({
      actorType: 'alumnus',
      actorId: account.id,
      action: `alumnus.netid.${purpose}`,
      outcome: 'success',
      context,
      targetType: 'netid',
      targetId: netId,
    });
    return { ticket, maskedEmail: maskEmailForDisplay(account.email), expiresAt };
  }

  /** Checks the code against the ticket's own request and uses the ticket up. */
  private async redeem(
    purpose: NetIdTicketPurpose,
    input: { ticket: string; code: string },
    context: RequestContext,
    options: { counted?: boolean } = {},
  ): Promise<NetIdTicketRow> {
    if (!options.counted) await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    const ticket = await this.validTicket(purpose, input.ticket);
    try {
      await this.codes.verify(ticket.codeRequestId, 'netid-recovery', input.code);
      if (!(await this.netIds.markTicketUsed(ticket.id, this.clock.now()))) throw ticketError();
      return ticket;
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        actorId: ticket.accountId,
        action: `alumnus.netid.${purpose}.verify`,
        outcome: 'failure',
        context,
        details: { reason: this.effects.reason(error) },
      });
      throw error;
    }
  }

  private async validTicket(purpose: NetIdTicketPurpose, ticket: string): Promise<NetIdTicketRow> {
    const row = await this.netIds.findTicket(this.ticketId(ticket));
    if (!row || row.purpose !== purpose || row.usedAt || this.clock.now() >= row.expiresAt) throw ticketError();
    return row;
  }

  private ticketId(ticket: string): Buffer {
    return this.keys.ticketId(`netid:${ticket}`);
  }
}

function ticketError(): IdentityException {
  return new IdentityException('ticket-invalid', 'This request has expired or was already completed. Please enter your information again.');
}
