import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { MaintenanceJob } from './key-rotation.job.js';
import { KeysController } from './keys.controller.js';
import { KeysService } from './keys.service.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/**
 * Signing keys (issue 4 item 6): Ed25519 pass and bundle keys, encrypted at rest under KEY_ENCRYPTION_KEY,
 * rotated daily on the Maintenance queue. Other domains sign through KeysService (activeSigner, bundleSigner)
 * and read what gates must trust from publishedKeys. Needs AppConfigModule, DatabaseModule and QueueModule.
 */
@Module({
  imports: [AdminModule],
  controllers: [KeysController],
  providers: [SigningKeyRepository, KeysService, MaintenanceJob],
  exports: [KeysService],
})
export class KeysModule {}
