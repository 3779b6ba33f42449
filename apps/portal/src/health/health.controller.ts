import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from '../core/queue/redis.health.js';
import { Public } from '../identity/roles.js';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Readiness: 200 when every dependency answers, 503 naming the ones that do not. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Dependencies: database (PostgreSQL) and queue (Redis)' })
  check() {
    return this.health.check([() => this.database.pingCheck('database').withTimeout(1500), () => this.redis.check('queue')]);
  }

  /** Liveness: the process serves HTTP. Does not touch dependencies, so an outage never restarts the portal. */
  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }
}
