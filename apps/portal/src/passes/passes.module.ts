import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IdentityKeys } from '../identity/identity-keys.js';
import { IdentityModule } from '../identity/identity.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { MailModule } from '../mail/mail.module.js';
import { GuestLinks } from './guest-links.js';
import { PassesController } from './passes.controller.js';
import { GuestPolicyAdminController } from './guest-policy-admin.controller.js';
import { PassesRepository } from './passes.repository.js';
import { PassesService } from './passes.service.js';

/**
 * Campus access passes (issue 4 items 3, 4, 7): the alumni day pass, guest passes and their public page,
 * and revocation. Reads eCards directly (no import of EcardModule, which calls in here on revoke).
 * Rate limits (public guest page, share-by-email) use the identity module's limiter and its PostgreSQL counters.
 */
@Module({
  imports: [AdminModule, IdentityModule, KeysModule, MailModule],
  controllers: [PassesController, GuestPolicyAdminController],
  providers: [PassesRepository, PassesService, GuestLinks, IdentityKeys],
  exports: [PassesService],
})
export class PassesModule {}
