import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: the AAO administration work writes this migration. */
export class Admin1764350000000 implements MigrationInterface {
  name = 'Admin1764350000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
