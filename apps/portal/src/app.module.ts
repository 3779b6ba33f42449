import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module.js';
import { AlumniModule } from './alumni/alumni.module.js';
import type { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/app-config.module.js';
import { EcardModule } from './ecard/ecard.module.js';
import { DatabaseModule } from './core/database/database.module.js';
import { AllExceptionsFilter } from './core/http/exception.filter.js';
import { QueueModule } from './core/queue/queue.module.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { KeysModule } from './keys/keys.module.js';
import { MailModule } from './mail/mail.module.js';
import { PassesModule } from './passes/passes.module.js';
import { GatesModule } from './gates/gates.module.js';
import { EntriesModule } from './entries/entries.module.js';
import { ProfileModule } from './profile/profile.module.js';
import { SecurityModule } from './security/security.module.js';
import { ReportsModule } from './entries/reports/reports.module.js';
import { AlumniAdminModule } from './alumni/admin/alumni-admin.module.js';

export interface AppModuleOptions {
  /** Run BullMQ processors in this process (worker.ts, or start.ts which runs everything). */
  workers: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        QueueModule.forRoot({ workers: options.workers }),
        HealthModule,
        AdminModule,
        AlumniModule,
        MailModule,
        IdentityModule,
        ProfileModule,
        KeysModule,
        EcardModule,
        PassesModule,
        GatesModule,
        EntriesModule,
        SecurityModule,
        ReportsModule,
        AlumniAdminModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
