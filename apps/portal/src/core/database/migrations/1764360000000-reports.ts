import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: the reports work writes this migration. */
export class Reports1764360000000 implements MigrationInterface {
  name = 'Reports1764360000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
