import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    const url = config.database.url;
    if (!url) throw new Error('DatabaseModule needs a database URL: resolveDatabase() provides one before the app starts');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, { migrationsRun: config.database.migrate === 'auto' }),
          retryAttempts: 5,
          retryDelay: 2000,
        }),
      ],
    };
  }
}
