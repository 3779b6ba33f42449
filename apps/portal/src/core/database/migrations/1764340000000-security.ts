import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Placeholder: the security module work writes this migration. */
export class Security1764340000000 implements MigrationInterface {
  name = 'Security1764340000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
