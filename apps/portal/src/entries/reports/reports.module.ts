import { Module } from '@nestjs/common';
import { AdminModule } from '../../admin/admin.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** Reports of entries (figures for charts) and the streamed CSV export of entries, for the AAO and auditors. */
@Module({
  imports: [AdminModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}
