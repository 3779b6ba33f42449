import { Module } from '@nestjs/common';

/** Reports and the streamed CSV export of entries (placeholder). */
@Module({})
export class ReportsModule {}
