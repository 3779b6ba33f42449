import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { PassesModule } from '../passes/passes.module.js';
import { GateAdminService } from './gate-admin.service.js';
import { GateApiController } from './gate-api.controller.js';
import { GateApiService } from './gate-api.service.js';
import { GateAuthGuard } from './gate-auth.guard.js';
import { GateBundleController } from './gate-bundle.controller.js';
import { GateBundleService } from './gate-bundle.service.js';
import { GatesAdminController } from './gates-admin.controller.js';
import { GatesRepository } from './gates.repository.js';
import { GatesService } from './gates.service.js';

/**
 * Gates: the gate identity table, enrollment with one-time codes (issue 5), authentication of gates' signed
 * requests, heartbeats, and the signed gate bundle (full and delta by version).
 */
@Module({
  imports: [AdminModule, IdentityModule, KeysModule, PassesModule],
  controllers: [GateBundleController, GateApiController, GatesAdminController],
  providers: [GatesRepository, GatesService, GateBundleService, GateAuthGuard, GateAdminService, GateApiService],
  exports: [GatesService],
})
export class GatesModule {}
