import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from '../admin/admin.module.js';
import { StaffAccountEntity } from '../admin/staff-account.entity.js';
import { StaffController } from '../admin/staff.controller.js';
import { StaffRepository } from '../admin/staff.repository.js';
import { StaffService } from '../admin/staff.service.js';
import { AlumniModule } from '../alumni/alumni.module.js';
import { RegistryService } from '../alumni/registry.service.js';
import { MailService } from '../mail/mail.service.js';
import { AccessGuard } from './access.guard.js';
import { AccountEmailController } from './account-email.controller.js';
import { AlumniAccountEntity } from './alumni-account.entity.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { EmailChangeService } from './email-change.service.js';
import { EmailSignInController } from './email-sign-in.controller.js';
import { EmailSignInService } from './email-sign-in.service.js';
import { GraduateDirectory, type GraduateIdentityQuery, type GraduateMatch } from './graduate-directory.js';
import { IdentityEffects } from './identity-audit.js';
import { IdentityHousekeepingRepository } from './identity-housekeeping.repository.js';
import { IdentityHousekeeping } from './identity-housekeeping.service.js';
import { IdentityKeys } from './identity-keys.js';
import { IdentityMailer, type IdentityMail } from './identity-mailer.js';
import { OidcLoginStateEntity } from './oidc-login-state.entity.js';
import { OidcLoginStateRepository } from './oidc-login-state.repository.js';
import { OneTimeCodeEntity } from './one-time-code.entity.js';
import { OneTimeCodeRepository } from './one-time-code.repository.js';
import { OneTimeCodeService } from './one-time-code.service.js';
import { ReauthenticationService } from './reauthentication.service.js';
import { RateLimitCounterEntity } from './rate-limit-counter.entity.js';
import { RateLimitRepository } from './rate-limit.repository.js';
import { RateLimitService } from './rate-limit.service.js';
import { RegistrationTicketEntity } from './registration-ticket.entity.js';
import { RegistrationTicketRepository } from './registration-ticket.repository.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';
import { SessionAccessService } from './session-access.service.js';
import { SessionController } from './session.controller.js';
import { SessionEntity } from './session.entity.js';
import { SessionRepository } from './session.repository.js';
import { SignedInSessions } from './signed-in-sessions.js';
import { SessionService } from './session.service.js';
import { StaffIdentityLinkEntity } from './staff-identity-link.entity.js';
import { StaffIdentityLinkRepository } from './staff-identity-link.repository.js';
import { StaffOidcSignInService } from './staff-oidc-sign-in.service.js';
import { StaffOidcClient } from './staff-oidc.client.js';
import { StaffOidcController } from './staff-oidc.controller.js';
import { StaffSignInController } from './staff-sign-in.controller.js';
import { StaffSignInService } from './staff-sign-in.service.js';
// Alumni NetID (issue 7 items 1–3)
import { CaptchaController } from './captcha.controller.js';
import { CaptchaService } from './captcha.service.js';
import { NetIdAuthController, NetIdStaffController } from './netid-auth.controller.js';
import { NetIdPeopleService } from './netid-people.service.js';
import { NetIdRecoveryService } from './netid-recovery.service.js';
import { NetIdRegistrationService } from './netid-registration.service.js';
import { NetIdRepository } from './netid-repository.js';
import { NetIdSignInService } from './netid-sign-in.service.js';
import { SocialIdentityLinkEntity, SocialPendingLinkEntity } from './social-link.entity.js';
import { SocialLinkRepository } from './social-link.repository.js';
import { SocialLinksController, SocialSignInController } from './social-sign-in.controller.js';
import { SocialSignInService } from './social-sign-in.service.js';

// The ports identity declares must fit the services bound to them (checked by the compiler, not at run time).
type Fits<A, B> = [A] extends [B] ? true : never;
const mailFits: Fits<IdentityMail, Parameters<MailService['send']>[0]> = true;
const registryFits: Fits<Awaited<ReturnType<RegistryService['findGraduateByIdentity']>>, GraduateMatch | null> &
  Fits<GraduateIdentityQuery, Parameters<RegistryService['findGraduateByIdentity']>[0]> = true;
void [mailFits, registryFits];

/**
 * Identity: sessions, roles and the global access guard; sign-in by emailed code; "Register Email or Forget
 * Email" against the graduate registry; re-authentication and changing the sign-in email; staff accounts and
 * staff sign-in (password + emailed code, and/or the university's OIDC identity provider). Needs MailModule
 * (global) for MailService.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      AlumniAccountEntity,
      SessionEntity,
      OneTimeCodeEntity,
      RegistrationTicketEntity,
      RateLimitCounterEntity,
      StaffAccountEntity,
      StaffIdentityLinkEntity,
      OidcLoginStateEntity,
      SocialIdentityLinkEntity,
      SocialPendingLinkEntity,
    ]),
    AdminModule,
    AlumniModule,
  ],
  controllers: [
    SessionController,
    EmailSignInController,
    RegistrationController,
    AccountEmailController,
    StaffSignInController,
    StaffOidcController,
    SocialSignInController,
    SocialLinksController,
    StaffController,
    // Alumni NetID
    CaptchaController,
    NetIdAuthController,
    NetIdStaffController,
  ],
  providers: [
    Clock,
    IdentityKeys,
    IdentityEffects,
    AlumniAccountRepository,
    OneTimeCodeRepository,
    RateLimitRepository,
    RegistrationTicketRepository,
    SessionRepository,
    StaffRepository,
    OneTimeCodeService,
    RateLimitService,
    SessionService,
    SignedInSessions,
    SessionAccessService,
    EmailSignInService,
    RegistrationService,
    ReauthenticationService,
    EmailChangeService,
    StaffSignInService,
    StaffOidcClient,
    OidcLoginStateRepository,
    StaffIdentityLinkRepository,
    StaffOidcSignInService,
    SocialLinkRepository,
    SocialSignInService,
    StaffService,
    IdentityHousekeepingRepository,
    IdentityHousekeeping,
    // Alumni NetID
    NetIdRepository,
    CaptchaService,
    NetIdRegistrationService,
    NetIdSignInService,
    NetIdRecoveryService,
    NetIdPeopleService,
    { provide: IdentityMailer, useExisting: MailService },
    { provide: GraduateDirectory, useExisting: RegistryService },
    // Every route of the application passes this guard: a route that declares no access is refused.
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [SessionService, Clock, RateLimitService],
})
export class IdentityModule {}
