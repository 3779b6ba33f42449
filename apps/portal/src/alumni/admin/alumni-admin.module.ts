import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module.js';
import { IdentityModule } from '../../identity/identity.module.js';
import { AlumniAdminController } from './alumni-admin.controller.js';
import { AlumniAdminRepository } from './alumni-admin.repository.js';
import { AlumniAdminService } from './alumni-admin.service.js';

/**
 * AAO: alumni search and detail (issue 6 item 4). The person's NetIDs and the confirmation of the Alumni NetID are
 * the identity module's (`/api/staff/netids`); the guest policy is the passes module's (`/api/admin/guest-policy`).
 */
@Module({
  imports: [AdminModule, IdentityModule],
  controllers: [AlumniAdminController],
  providers: [AlumniAdminRepository, AlumniAdminService],
})
export class AlumniAdminModule {}
