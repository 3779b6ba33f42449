import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { PassesModule } from '../passes/passes.module.js';
import { EcardAdminController } from './ecard-admin.controller.js';
import { EcardController } from './ecard.controller.js';
import { EcardRepository } from './ecard.repository.js';
import { EcardService } from './ecard.service.js';

/** Alumni eCard (issue 4 items 1–2): photo upload and activation, AAO review, revocation, privileges. */
@Module({
  imports: [AdminModule, PassesModule],
  controllers: [EcardController, EcardAdminController],
  providers: [EcardRepository, EcardService],
  exports: [EcardService],
})
export class EcardModule {}
