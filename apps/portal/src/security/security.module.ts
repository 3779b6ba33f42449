import { Module } from '@nestjs/common';

/** Security: live dashboard feed, gate tiles, alerts, entry search and the handheld check (placeholder). */
@Module({})
export class SecurityModule {}
