import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: the entries ingestion work writes this migration. */
export class EntriesIngest1764330000000 implements MigrationInterface {
  name = 'EntriesIngest1764330000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
