import { Module } from '@nestjs/common';

/** AAO: alumni search and detail, guest policy (placeholder). */
@Module({})
export class AlumniAdminModule {}
