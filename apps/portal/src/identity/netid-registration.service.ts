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
import { IdentityEffects, type RequestContext } from './identity-audit.js';
import { IdentityException } from './identity.exception.js';
import { maskEmailForDisplay } from './mask-email.js';
import { NetIdRepository, uniqueViolation } from './netid-repository.js';
import { displayNameProblem, identityFromDisplayName, NETID_MESSAGES, NETID_RATE_LIMITS, netIdEligibility } from './netid-rules.js';
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

/**
 * Alumni NetID registration (FAQ 8–9, 12–15) for PolyU alumni who graduated before 2011 and HKCC/SPEED graduates
 * with a PolyU award: captcha, details checked against the graduate registry, a Display Name that makes the
 * NetID and email alias, a NetPassword (argon2id), and the "Completion of NetID Registration" email.
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
    private readonly mail: MailService,
    private readonly clock: Clock,
    private readonly effects: IdentityEffects,
  ) {}

  async register(input: NetIdRegistration, context: RequestContext): Promise<NetIdRegistered> {
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
      const passwordHash = await hashPassword(input.password);
      const now = this.clock.now();
      // One person, one alumni account: the NetID belongs to the graduate's account (made with the email on record).
      const accountId = account?.id ?? (await this.createAccount(graduate.id, email, input.locale, now));
      const conflict = await this.netIds.insert({ ...identity, graduateId: graduate.id, accountId, passwordHash }, now);
      if (conflict === 'graduate') throw alreadyRegistered();
      if (conflict === 'netid') throw displayNameTaken();

      this.mail
        .send({ to: email, template: 'netid-registered', locale: input.locale, data: identity })
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
      return { netId: identity.netId, emailAlias: identity.emailAlias, maskedEmail: maskEmailForDisplay(email) };
    } catch (error) {
      await this.effects.record({
        actorType: 'alumnus',
        action: 'alumnus.netid.register',
        outcome: 'failure',
        context,
        ...(graduateId ? { targetType: 'graduate', targetId: graduateId } : {}),
        details: { reason: this.effects.reason(error) },
      });
      throw error;
    }
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

function displayNameTaken(): IdentityException {
  return new IdentityException('display-name-taken', NETID_MESSAGES.displayNameTaken);
}
