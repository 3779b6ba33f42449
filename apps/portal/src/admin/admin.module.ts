import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CsvExportGuard } from '../core/http/csv-export-guard.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { IdentityKeys } from '../identity/identity-keys.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditService,
    // One CsvExportGuard for the whole portal: the audit export and the entries report (which imports this module)
    // share its caps. It checks CSRF tokens with the identity keys (none in a context without the app config).
    {
      provide: CsvExportGuard,
      useFactory: (config?: AppConfig) => new CsvExportGuard(config?.appSecret ? new IdentityKeys(config) : undefined),
      inject: [{ token: APP_CONFIG, optional: true }],
    },
  ],
  exports: [AuditService, CsvExportGuard],
})
export class AdminModule {}
