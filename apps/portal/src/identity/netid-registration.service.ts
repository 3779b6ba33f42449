import { Injectable, Logger } from '@nestjs/common';
import { hashPassword } from '../admin/staff-password.js';
import type { Graduate } from '../alumni/dto/graduate.dto.js';
import { RegistryService } from '../alumni/registry.service.js';
import { MailService } from '../mail/mail.service.js';
import type { MailLocale } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { CaptchaService } from './captcha.service.js';
import { Clock } from './clock.js';
import { netPasswordProblem } from './common-passwords.js';
import { normaliseEmail } from './email-sign-in.service.js';
import type { GraduateIdentityQuery } from './graduate-directory.js';
import { RATE_LIMITS } from './identity.constants.js';
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { maskEmailForDisplay } from './mask-email.js';
import { NetIdRepository, uniqueViolation } from './netid-repository.js';
import {
  displayNameProblem,
  identityFromDisplayName,
  NETID_MESSAGES,
  NETID_RATE_LIMITS,
  NETID_TICKET_LIFETIME_MS,
  netIdEligibility,
} from './netid-rules.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { RateLimitService } from './rate-limit.service.js';

export interface NetIdRegistration extends GraduateIdentityQuery {
  displayName: string;
  password: string;
  /** The ALTCHA widget's payload. */
  captcha?: string;
  locale: MailLocale;
}

export interface NetIdRegistered {
  netId: string;
  emailAlias: string;
  /** Where "Completion of NetID Registration" was sent, masked. */
  maskedEmail: string;
}

export interface NetIdRegistrationCodeSent {
  /** Short-lived; send it back with the code. */
  ticket: string;
  maskedEmail: string;
  expiresAt: Date;
}

/**
 * Alumni NetID registration (FAQ 8–9, 12–15) for PolyU alumni who graduated before 2011 and HKCC/SPEED graduates
 * with a PolyU award. Step 1: captcha, details checked against the graduate registry, a Display Name that makes the
 * NetID and email alias, a NetPassword (argon2id); then a 6-digit code goes to the email on record (the account's,
 * else the registry's). Step 2: the right code creates the NetID (and the account when there is none) and sends
 * "Completion of NetID Registration". Knowing someone's details is not enough: the code proves the mailbox.
 */
@Injectable()
export class NetIdRegistrationService {
  private readonly logger = new Logger('NetID');

  constructor(
    private readonly registry: RegistryService,
    private readonly accounts: AlumniAccountRepository,
    private readonly netIds: NetIdRepository,
    private readonly captcha: CaptchaService,
    private readonly rateLimits: RateLimitService,
    private readonly codes: OneTimeCodeService,
    private readonly keys: IdentityKeys,
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  /** Step 1: everything is checked as for the NetID itself, then a code goes to the email on record. */
  async start(input: NetIdRegistration, context: RequestContext): Promise<NetIdRegistrationCodeSent> {
    await this.rateLimits.consume(NETID_RATE_LIMITS.detailsPerIp, context.ip ?? 'unknown', 'attempts');
    let graduateId: string | undefined;
    try {
      await this.captcha.verifyOnce(input.captcha);
      const identity = identityFromDisplayName(input.displayName);
      if (!identity) throw new IdentityException('display-name-invalid', displayNameProblem(input.displayName));
      const problem = netPasswordProblem(input.password, [identity.netId, identity.displayName]);
      if (problem) throw new IdentityException('password-rejected', problem);

      const graduate = await this.registry.findGraduateByIdentity(input);
      if (!graduate) throw new IdentityException('identity-not-matched', NETID_MESSAGES.notCorrect);
      graduateId = graduate.id;
      await this.assertMayRegister(graduate);
      if (await this.netIds.netIdTaken(identity.netId, identity.emailAlias)) throw displayNameTaken();

      const account = await this.accounts.findByGraduateId(graduate.id);
      const email = account?.email ?? (graduate.email ? normaliseEmail(graduate.email) : null);
      if (!email) {
        throw new IdentityException(
          'email-missing',
          'We have no email address on record for you. Please register your email first ("Register Email or Forget Email"), then register your Alumni NetID.',
        );
      }
      await this.rateLimits.consume(RATE_LIMITS.codeRequestPerEmail, email, 'requests for a code for this email');
      const passwordHash = await hashPassword(input.password);
      // The code's failures count against the account, or against the graduate record while there is no account.
      const issued = await this.codes.issue({
        purpose: 'netid-registration',
        subjectId: account?.id ?? graduate.id,
        email,
        locale: input.locale,
        ip: context.ip,
      });
      const now = this.clock.now();
      const ticket = this.keys.newToken();
      const expiresAt = new Date(now.getTime() + NETID_TICKET_LIFETIME_MS);
      await this.netIds.insertRegistration({
        id: this.ticketId(ticket),
        graduateId: graduate.id,
        ...identity,
        passwordHash,
        email,
        locale: input.locale,
        codeRequestId: issued.requestId,
        createdAt: now,
        expiresAt,
      });
      this.effects.sendInBackground({
        to: email,
        template: 'email-verification-code',
        locale: input.locale,
        data: { code: issued.code!, minutes: issued.minutes },
      });
      await this.effects.record({
        actorType: 'alumnus',
        actorId: account?.id ?? null,
        action: 'alumnus.netid.register.start',
        outcome: 'success',
        context,
        targetType: 'graduate',
        targetId: graduate.id,
        details: { netId: identity.netId },
      });
      return { ticket, maskedEmail: maskEmailForDisplay(email), expiresAt };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.netid.register.start',
        outcome: 'failure',
        context,
        ...(graduateId ? { targetType: 'graduate', targetId: graduateId } : {}),
        details: { reason: this.effects.reason(error) },
      });
      throw error;
    }
  }

  /** Step 2: the right code creates the NetID on the graduate's account and mails "Completion of NetID Registration". */
  async finish(input: { ticket: string; code: string }, context: RequestContext): Promise<NetIdRegistered> {
    await this.rateLimits.consume(RATE_LIMITS.codeVerifyPerIp, context.ip ?? 'unknown', 'tries');
    const pending = await this.netIds.findRegistration(this.ticketId(input.ticket));
    if (!pending || pending.usedAt || this.clock.now() >= pending.expiresAt) throw ticketError();
    try {
      await this.codes.verify(pending.codeRequestId, 'netid-registration', input.code);
      if (!(await this.netIds.markRegistrationUsed(pending.id, this.clock.now()))) throw ticketError();
      if (await this.netIds.findByGraduateId(pending.graduateId)) throw alreadyRegistered();

      const now = this.clock.now();
      const account = await this.accounts.findByGraduateId(pending.graduateId);
      // The code proved this mailbox; an account that has since moved to another email is not this one's to claim.
      if (account && account.email !== pending.email) throw ticketError();
      // One person, one alumni account: the NetID belongs to the graduate's account (made with the email on record).
      const accountId = account?.id ?? (await this.createAccount(pending.graduateId, pending.email, pending.locale, now));
      const identity = { netId: pending.netId, displayName: pending.displayName, emailAlias: pending.emailAlias };
      const conflict = await this.netIds.insert(
        { ...identity, graduateId: pending.graduateId, accountId, passwordHash: pending.passwordHash },
        now,
      );
      if (conflict === 'graduate') throw alreadyRegistered();
      if (conflict === 'netid') throw displayNameTaken();

      this.mail
        .send({ to: pending.email, template: 'netid-registered', locale: pending.locale, data: identity })
        .catch((error: unknown) => this.logger.error({ msg: 'NetID registration mail not sent', err: error }));
      await this.effects.record({
        actorType: 'alumnus',
        actorId: accountId,
        action: 'alumnus.netid.register',
        outcome: 'success',
        context,
        targetType: 'netid',
        targetId: identity.netId,
      });
      return { ...identity, maskedEmail: maskEmailForDisplay(pending.email) };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.netid.register',
        outcome: 'failure',
        context,
        targetType: 'graduate',
        targetId: pending.graduateId,
        details: { reason: this.effects.reason(error) },
      });
      throw error;
    }
  }

  private ticketId(ticket: string): Buffer {
    return this.keys.ticketId(`netid-registration:${ticket}`);
  }

  private async assertMayRegister(graduate: Graduate): Promise<void> {
    if (await this.netIds.findByGraduateId(graduate.id)) throw alreadyRegistered();
    const eligibility = netIdEligibility(graduate);
    if (eligibility.eligible) return;
    if (eligibility.reason === 'student-netid') {
      // FAQ 13: from 2011 on, the Student NetID is the Alumni NetID: the same message, with what to do.
      throw alreadyRegistered(
        'You graduated in 2011 or later: your Student NetID is your Alumni NetID. Sign in with it, or use "Forgot NetID" to find it.',
      );
    }
    throw new IdentityException(
      'netid-not-eligible',
      'Alumni NetID registration is for PolyU alumni who graduated before 2011 and HKCC/SPEED graduates with a PolyU award. Your record shows no such award; please contact the Alumni Affairs Office at alumni@polyu.edu.hk.',
    );
  }

  private async createAccount(graduateId: string, email: string, locale: MailLocale, now: Date): Promise<string> {
    try {
      return (await this.accounts.create(graduateId, email, locale, now)).id;
    } catch (error) {
      if (uniqueViolation(error) === null) throw error;
      // Another request made the account at the same moment, or another alumnus holds the email on record.
      const account = await this.accounts.findByGraduateId(graduateId);
      if (account) return account.id;
      throw new IdentityException(
        'email-taken',
        'The email address on record for you is registered by another alumnus. Please contact the Alumni Affairs Office at alumni@polyu.edu.hk.',
      );
    }
  }
}

function alreadyRegistered(hint?: string): IdentityException {
  return new IdentityException('netid-already-registered', NETID_MESSAGES.alreadyRegistered, hint ? { hint } : undefined);
}

function ticketError(): IdentityException {
  return new IdentityException('ticket-invalid', 'This request has expired or was already completed. Please enter your information again.');
}

function displayNameTaken(): IdentityException {
  return new IdentityException('display-name-taken', NETID_MESSAGES.displayNameTaken);
}
