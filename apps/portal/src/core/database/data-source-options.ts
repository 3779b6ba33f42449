import type { DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from '../../admin/audit-event.entity.js';
import { MIGRATIONS } from './migrations/index.js';

/** Every entity of the portal. Listed here (not globbed) so ESM builds, tests and the CLI see the same set. */
export const ENTITIES = [AuditEventEntity];

export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Schema changes go through migrations only; never let TypeORM alter tables by itself.
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
    ...overrides,
  } as DataSourceOptions;
}
