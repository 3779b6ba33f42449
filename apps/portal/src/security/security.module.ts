import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { EntriesModule } from '../entries/entries.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { HandheldService } from './handheld.service.js';
import { SecurityFeedStream } from './security-feed-stream.js';
import { SecurityFeed } from './security-feed.js';
import { SECURITY_SETTINGS } from './security-settings.js';
import { SecurityWorker } from './security-worker.js';
import { SecurityController } from './security.controller.js';
import { SecurityRepository } from './security.repository.js';
import { SecurityService } from './security.service.js';

/**
 * Security (issue 6 items 2-3): the live dashboard feed (SSE, fanned out over Redis pub/sub), gate tiles, alerts
 * with acknowledgement, entry search, holder photos and the handheld check. The worker half (SecurityWorker)
 * announces stored entries and runs the periodic heartbeat check.
 */
@Module({
  imports: [AdminModule, EntriesModule, IdentityModule, KeysModule],
  controllers: [SecurityController],
  providers: [
    { provide: SECURITY_SETTINGS, useFactory: (config: AppConfig) => config.security, inject: [APP_CONFIG] },
    SecurityRepository,
    SecurityService,
    SecurityFeed,
    SecurityFeedStream,
    AlertsRepository,
    AlertsService,
    HandheldService,
    SecurityWorker,
  ],
  exports: [SecurityFeed, AlertsService],
})
export class SecurityModule {}
